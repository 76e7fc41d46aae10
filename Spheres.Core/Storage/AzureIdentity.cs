using Azure.Core;
using Azure.Identity;

namespace Spheres.Core.Storage;

/// <summary>
/// The app's identity in Azure: the user-assigned managed identity whose client id the template
/// puts in <c>AzureWebJobsStorage__clientId</c> (the same one the host uses), else DefaultAzureCredential.
/// </summary>
public static class AzureIdentity
{
    public static TokenCredential Credential(string? clientId) =>
        clientId is { Length: > 0 }
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
}
