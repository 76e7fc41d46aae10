using System.Text.Json;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;

namespace Spheres.Tests.Infra;

/// <summary>
/// Facts about what infra/main.bicep deploys, read from the ARM JSON the Bicep CLI compiles it to.
/// </summary>
public sealed class InfraTemplateTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    private const string StorageAccountType = "Microsoft.Storage/storageAccounts";

    public static TheoryData<string> DeployedSettingNames() =>
        new(Spheres.Core.AppSettings.Deployed.Select(key => key.Replace(":", "__", StringComparison.Ordinal)));

    [Fact]
    public void Template_compiles_without_warnings()
    {
        Assert.Equal("", template.Diagnostics.Trim());
    }

    [Theory]
    [MemberData(nameof(DeployedSettingNames))]
    public void Every_deployed_setting_is_an_app_setting(string settingName)
    {
        Assert.Contains(settingName, AppSettingNames());
    }

    [Fact]
    public void Host_storage_is_reached_with_the_managed_identity_and_no_connection_string()
    {
        var settings = AppSettings();

        Assert.Equal("managedidentity", settings.GetProperty("AzureWebJobsStorage__credential").GetString());
        Assert.Contains("identityClientId", settings.GetProperty("AzureWebJobsStorage__clientId").GetString());
        Assert.Contains("storageBlobEndpoint", settings.GetProperty("AzureWebJobsStorage__blobServiceUri").GetString());
        Assert.Contains("storageQueueEndpoint", settings.GetProperty("AzureWebJobsStorage__queueServiceUri").GetString());
        Assert.Contains("storageTableEndpoint", settings.GetProperty("AzureWebJobsStorage__tableServiceUri").GetString());
        Assert.DoesNotContain(SettingNames.Storage, AppSettingNames());
    }

    [Fact]
    public void No_storage_key_is_read_anywhere()
    {
        Assert.DoesNotContain("listKeys(", template.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey=", template.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Storage_account_refuses_shared_key_access_and_has_the_app_queues()
    {
        var account = template.SingleResource(StorageAccountType).GetProperty("properties");
        Assert.False(account.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.Equal("TLS1_2", account.GetProperty("minimumTlsVersion").GetString());

        var queueNames = template.Resources
            .Where(r => r.TryGetProperty("properties", out var p) && p.TryGetProperty("template", out var t)
                        && t.TryGetProperty("variables", out var v) && v.TryGetProperty("queueNames", out _))
            .Select(r => r.GetProperty("properties").GetProperty("template").GetProperty("variables").GetProperty("queueNames"))
            .Single()
            .EnumerateArray().Select(q => q.GetString());
        Assert.Equal(["agent-requests", "auto-replies", "agent-replies", "account-erasures", "embeddings", TableNames.PasswordResetMailQueue], queueNames);
        var queues = template.SingleResource("Microsoft.Storage/storageAccounts/queueServices/queues");
        Assert.Equal("[length(variables('queueNames'))]", queues.GetProperty("copy").GetProperty("count").GetString());
        Assert.Single(template.ResourcesOfType("Microsoft.Storage/storageAccounts/tableServices"));
    }

    [Theory]
    [InlineData("Spheres__Auth__SigningKey", "spheres-auth-signing-key")]
    [InlineData("Spheres__Meta__AppSecret", "spheres-meta-app-secret")]
    [InlineData("Spheres__Meta__VerifyToken", "spheres-meta-verify-token")]
    [InlineData("Spheres__Calendly__SigningKey", "spheres-calendly-signing-key")]
    [InlineData("Spheres__Zoom__WebhookSecret", "spheres-zoom-webhook-secret")]
    [InlineData("Spheres__Square__SignatureKey", "spheres-square-signature-key")]
    [InlineData("Spheres__Smtp__Host", "spheres-smtp-host")]
    [InlineData("Spheres__Smtp__Port", "spheres-smtp-port")]
    [InlineData("Spheres__Smtp__User", "spheres-smtp-user")]
    [InlineData("Spheres__Smtp__Password", "spheres-smtp-password")]
    [InlineData("Spheres__Smtp__From", "spheres-smtp-from")]
    public void Secret_settings_are_key_vault_references(string settingName, string secretName)
    {
        var value = AppSettings().GetProperty(settingName).GetString();
        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};", value);
        Assert.Contains($"SecretName={secretName})", value);
    }

    [Fact]
    public void Key_vault_references_and_the_deployment_package_use_the_user_assigned_identity()
    {
        var site = FunctionApp();
        var identityId = "[parameters('identityResourceId')]";

        Assert.Equal("UserAssigned", site.GetProperty("identity").GetProperty("type").GetString());
        var properties = site.GetProperty("properties");
        Assert.Equal(identityId, properties.GetProperty("keyVaultReferenceIdentity").GetString());

        var authentication = properties.GetProperty("functionAppConfig").GetProperty("deployment")
            .GetProperty("storage").GetProperty("authentication");
        Assert.Equal("UserAssignedIdentity", authentication.GetProperty("type").GetString());
        Assert.Equal(identityId, authentication.GetProperty("userAssignedIdentityResourceId").GetString());
    }

    [Fact]
    public void Fixed_settings_have_their_documented_values()
    {
        var settings = AppSettings();
        Assert.Equal("https://api.telegram.org", settings.GetProperty("Spheres__Telegram__ApiBaseUrl").GetString());
        Assert.Equal("[parameters('keyVaultUri')]", settings.GetProperty("Spheres__KeyVault__Uri").GetString());
        Assert.Equal("0 0 3 * * *", Parameter("catalogReseedSchedule").GetProperty("defaultValue").GetString());
    }

    [Theory]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", StorageAccountType)] // Storage Blob Data Owner
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", StorageAccountType)] // Storage Queue Data Contributor
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", StorageAccountType)] // Storage Table Data Contributor
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components")] // Monitoring Metrics Publisher
    [InlineData("b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Microsoft.KeyVault/vaults")] // Key Vault Secrets Officer
    public void App_identity_holds_the_role_on_the_resource(string roleDefinitionGuid, string scopeType)
    {
        var assignment = Assert.Single(
            template.ResourcesOfType("Microsoft.Authorization/roleAssignments"),
            r => r.GetProperty("properties").GetProperty("principalId").GetString() == "[parameters('appPrincipalId')]"
                 && r.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!.Contains(roleDefinitionGuid, StringComparison.Ordinal));

        Assert.Contains($"'{scopeType}'", assignment.GetProperty("scope").GetString());
        Assert.Equal("ServicePrincipal", assignment.GetProperty("properties").GetProperty("principalType").GetString());
        Assert.StartsWith("[guid(", assignment.GetProperty("name").GetString());
    }

    [Fact]
    public void Key_vault_uses_rbac_with_soft_delete_and_purge_protection()
    {
        var vault = template.SingleResource("Microsoft.KeyVault/vaults").GetProperty("properties");
        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.GetProperty("enableSoftDelete").GetBoolean());
        Assert.True(vault.GetProperty("enablePurgeProtection").GetBoolean());
    }

    [Fact]
    public void Application_insights_accepts_only_identity_based_ingestion()
    {
        var insights = template.SingleResource("Microsoft.Insights/components").GetProperty("properties");
        Assert.True(insights.GetProperty("DisableLocalAuth").GetBoolean());

        var settings = AppSettings();
        Assert.True(settings.TryGetProperty("APPLICATIONINSIGHTS_CONNECTION_STRING", out _));
        var authentication = settings.GetProperty("APPLICATIONINSIGHTS_AUTHENTICATION_STRING").GetString();
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", authentication);
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_a_flex_consumption_plan()
    {
        var sku = template.SingleResource("Microsoft.Web/serverfarms").GetProperty("sku");
        Assert.Equal("FC1", sku.GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", sku.GetProperty("tier").GetString());

        var site = FunctionApp();
        Assert.Equal("functionapp,linux", site.GetProperty("kind").GetString());
        var runtime = site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("runtime");
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
    }

    [Fact]
    public void Function_app_is_https_only_with_tls_1_2_and_cors_from_a_parameter()
    {
        var properties = FunctionApp().GetProperty("properties");
        Assert.True(properties.GetProperty("httpsOnly").GetBoolean());
        var siteConfig = properties.GetProperty("siteConfig");
        Assert.Equal("1.2", siteConfig.GetProperty("minTlsVersion").GetString());
        Assert.Equal("[parameters('corsAllowedOrigins')]",
            siteConfig.GetProperty("cors").GetProperty("allowedOrigins").GetString());
        // The frontend's origin has no sensible default: a deployment must state it.
        Assert.False(Parameter("corsAllowedOrigins").TryGetProperty("defaultValue", out _));
    }

    [Fact]
    public void The_platform_probes_the_anonymous_health_endpoint_on_every_instance()
    {
        var siteConfig = FunctionApp().GetProperty("properties").GetProperty("siteConfig");
        // The path the probe calls is the health route of the app, anonymous (the probe sends no key).
        var health = typeof(Spheres.Functions.Health.HealthFunctions).GetMethod(nameof(Spheres.Functions.Health.HealthFunctions.Get))!;
        var trigger = health.GetParameters().Select(p => p.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false))
            .SelectMany(a => a).Cast<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>().Single();
        Assert.Equal("health", trigger.Route);
        Assert.Equal("/api/health/", siteConfig.GetProperty("healthCheckPath").GetString());
        Assert.Equal(Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous, trigger.AuthLevel);
    }

    [Theory]
    [InlineData("functionAppUrl")]
    [InlineData("functionAppName")]
    [InlineData("keyVaultUri")]
    public void Deployment_outputs(string outputName)
    {
        Assert.True(template.Root.GetProperty("outputs").TryGetProperty(outputName, out _));
    }

    [Fact]
    public void Parameters_file_names_only_parameters_the_template_declares()
    {
        using var parametersFile = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(template.RepositoryRoot, "infra", "main.parameters.json")));
        var declared = Parameters().EnumerateObject().Select(p => p.Name).ToHashSet();

        var given = parametersFile.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();
        Assert.NotEmpty(given);
        Assert.All(given, name => Assert.Contains(name, declared));
    }

    private JsonElement FunctionApp() => template.SingleResource("Microsoft.Web/sites");

    private JsonElement AppSettings() =>
        Assert.Single(template.ResourcesOfType("Microsoft.Web/sites/config"),
                r => r.GetProperty("name").GetString()!.Contains("'appsettings'", StringComparison.Ordinal))
            .GetProperty("properties");

    private List<string> AppSettingNames() => AppSettings().EnumerateObject().Select(p => p.Name).ToList();

    private JsonElement Parameters() => template.Root.GetProperty("parameters");

    private JsonElement Parameter(string name) => Parameters().GetProperty(name);
}
