using System.Security.Cryptography;
using System.Text;
using Spheres.Core.Configuration;
using Spheres.Core.Problems;
using Spheres.Functions.Http;

namespace Spheres.DevHost;

/// <summary>What the Functions host does for non-anonymous functions: require the key in <c>x-functions-key</c> or <c>?code=</c>.</summary>
internal static class FunctionKeyCheck
{
    public static async Task<bool> AllowsAsync(HttpContext context)
    {
        var expected = context.RequestServices.GetRequiredService<IConfiguration>()[SettingNames.DevHostFunctionKey];
        var given = context.Request.Headers["x-functions-key"].FirstOrDefault() ?? context.Request.Query["code"].FirstOrDefault();
        if (!string.IsNullOrEmpty(expected) && given is not null &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            return true;
        }
        await Api.ToResponse(ProblemException.Unauthorized(
            "This endpoint needs the function key in the x-functions-key header or the code query parameter.", "FunctionKey header=\"x-functions-key\"")).WriteAsync(context.Response);
        return false;
    }
}
