namespace Spheres.Core.Configuration;

/// <summary>
/// Every configuration key the code reads, in one place, so the Bicep template,
/// local.settings.sample.json and the tests can be checked against it.
/// In environment variables and app settings ':' is written '__'.
/// </summary>
public static class SettingNames
{
    public const string PublicBaseUrl = "Spheres:PublicBaseUrl";
    public const string TelegramApiBaseUrl = "Spheres:Telegram:ApiBaseUrl";
    public const string MetaAppSecret = "Spheres:Meta:AppSecret";
    public const string MetaVerifyToken = "Spheres:Meta:VerifyToken";
    public const string CalendlySigningKey = "Spheres:Calendly:SigningKey";
    public const string ZoomWebhookSecret = "Spheres:Zoom:WebhookSecret";
    public const string SquareSignatureKey = "Spheres:Square:SignatureKey";
    public const string AuthSigningKey = "Spheres:Auth:SigningKey";
    public const string KeyVaultUri = "Spheres:KeyVault:Uri";
    public const string LocalCredentialKey = "Spheres:Credentials:LocalKey";
    public const string CatalogReseedSchedule = "Spheres:Catalog:ReseedSchedule";
    public const string EmbeddingsProvider = "Spheres:Embeddings:Provider";
    public const string AzureOpenAIEndpoint = "Spheres:AzureOpenAI:Endpoint";
    public const string AzureOpenAIEmbeddingDeployment = "Spheres:AzureOpenAI:EmbeddingDeployment";

    /// <summary>Storage: a connection string locally (Azurite); in Azure the identity-based
    /// <c>AzureWebJobsStorage__tableServiceUri</c>/<c>__queueServiceUri</c> settings are read instead.</summary>
    public const string Storage = "AzureWebJobsStorage";

    /// <summary>Read by DevHost only: the key that non-anonymous functions require.</summary>
    public const string DevHostFunctionKey = "Spheres:DevHost:FunctionKey";

    /// <summary>All keys a deployment must provide (DevHost's key is local only).</summary>
    public static IReadOnlyList<string> DeployedKeys { get; } =
    [
        PublicBaseUrl, TelegramApiBaseUrl, MetaAppSecret, MetaVerifyToken, CalendlySigningKey, ZoomWebhookSecret, SquareSignatureKey, AuthSigningKey,
        KeyVaultUri, CatalogReseedSchedule, EmbeddingsProvider, AzureOpenAIEndpoint, AzureOpenAIEmbeddingDeployment,
    ];
}
