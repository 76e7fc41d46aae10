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
    public const string TelegramSendsPerSecondPerBot = "Spheres:Telegram:SendsPerSecondPerBot";
    public const string MetaAppSecret = "Spheres:Meta:AppSecret";
    public const string MetaVerifyToken = "Spheres:Meta:VerifyToken";
    public const string CalendlySigningKey = "Spheres:Calendly:SigningKey";
    public const string ZoomWebhookSecret = "Spheres:Zoom:WebhookSecret";
    public const string SquareSignatureKey = "Spheres:Square:SignatureKey";
    public const string AuthSigningKey = "Spheres:Auth:SigningKey";
    public const string KeyVaultUri = "Spheres:KeyVault:Uri";
    public const string LocalCredentialKey = "Spheres:Credentials:LocalKey";
    public const string CatalogReseedSchedule = "Spheres:Catalog:ReseedSchedule";
    public const string MetaGraphApiBaseUrl = "Spheres:Meta:GraphApiBaseUrl";
    public const string ZoomApiBaseUrl = "Spheres:Zoom:ApiBaseUrl";
    public const string CalendlyApiBaseUrl = "Spheres:Calendly:ApiBaseUrl";
    public const string SquareApiBaseUrl = "Spheres:Square:ApiBaseUrl";

    /// <summary>Requests per minute per client address to the sign-in endpoints together (default 30).</summary>
    public const string RateLimitAuthPerMinute = "Spheres:RateLimit:AuthPerMinute";

    /// <summary>
    /// True behind Azure's front end, which appends the caller's address to X-Forwarded-For; false
    /// where clients reach us directly (DevHost), so a client cannot choose its own address.
    /// </summary>
    public const string RateLimitTrustForwardedFor = "Spheres:RateLimit:TrustForwardedFor";

    /// <summary>Proxies of ours that append to X-Forwarded-For: 1 (Azure's front end, the default), 2 behind an edge (Front Door, API Management).</summary>
    public const string RateLimitForwardedProxies = "Spheres:RateLimit:ForwardedProxies";
    public const string FrontendBaseUrl = "Spheres:FrontendBaseUrl";
    public const string SmtpHost = "Spheres:Smtp:Host";
    public const string SmtpPort = "Spheres:Smtp:Port";
    public const string SmtpUser = "Spheres:Smtp:User";
    public const string SmtpPassword = "Spheres:Smtp:Password";
    public const string SmtpFrom = "Spheres:Smtp:From";
    public const string GoogleApiBaseUrl = "Spheres:Google:ApiBaseUrl";

    /// <summary>The Pub/Sub topic Gmail's <c>users.watch</c> publishes to (<c>projects/{project}/topics/{topic}</c>).</summary>
    public const string GooglePubSubTopic = "Spheres:Google:PubSubTopic";

    public const string RetentionMessageDays = "Spheres:Retention:MessageDays";

    /// <summary>Hours after a human's last reply until the agent takes the conversation back (default 24; not in DeployedKeys: the default serves).</summary>
    public const string InboxHandbackHours = "Spheres:Inbox:HandbackHours";
    public const string EmbeddingsProvider = "Spheres:Embeddings:Provider";
    public const string AzureOpenAIEndpoint = "Spheres:AzureOpenAI:Endpoint";
    public const string AzureOpenAIEmbeddingDeployment = "Spheres:AzureOpenAI:EmbeddingDeployment";

    /// <summary>Gmail push: the audience of Pub/Sub's OIDC token (the push endpoint URL, or what the subscription names).</summary>
    public const string GooglePubSubAudience = "Spheres:Google:PubSubAudience";

    /// <summary>Gmail push: the service account Pub/Sub signs its pushes as (the token's verified <c>email</c>).</summary>
    public const string GooglePubSubServiceAccount = "Spheres:Google:PubSubServiceAccount";

    /// <summary>Google's signing keys for its OIDC tokens; default <c>https://www.googleapis.com/oauth2/v3/certs</c>.</summary>
    public const string GoogleOidcJwksUrl = "Spheres:Google:OidcJwksUrl";

    /// <summary>Storage: a connection string locally (Azurite); in Azure the identity-based
    /// <c>AzureWebJobsStorage__tableServiceUri</c>/<c>__queueServiceUri</c> settings are read instead.</summary>
    public const string Storage = "AzureWebJobsStorage";

    /// <summary>Read by DevHost only: the key that non-anonymous functions require.</summary>
    public const string DevHostFunctionKey = "Spheres:DevHost:FunctionKey";

    /// <summary>
    /// The keys every deployment provides besides each OAuth provider's client (<c>Spheres:OAuth:{Provider}:*</c>, declared by
    /// its provider module); <see cref="Spheres.Core.AppSettings"/> has the whole list. DevHost's key is local only.
    /// </summary>
    public static IReadOnlyList<string> DeployedKeys { get; } =
    [
        PublicBaseUrl, TelegramApiBaseUrl, MetaAppSecret, MetaVerifyToken, CalendlySigningKey, ZoomWebhookSecret, SquareSignatureKey, AuthSigningKey,
        KeyVaultUri, CatalogReseedSchedule, MetaGraphApiBaseUrl, ZoomApiBaseUrl, CalendlyApiBaseUrl, SquareApiBaseUrl,
        RateLimitAuthPerMinute, RateLimitTrustForwardedFor,
        FrontendBaseUrl, SmtpHost, SmtpPort, SmtpUser, SmtpPassword, SmtpFrom,
        GoogleApiBaseUrl, RetentionMessageDays,
        EmbeddingsProvider, AzureOpenAIEndpoint, AzureOpenAIEmbeddingDeployment,
        GooglePubSubTopic,
        GooglePubSubAudience, GooglePubSubServiceAccount, GoogleOidcJwksUrl,
    ];
}
