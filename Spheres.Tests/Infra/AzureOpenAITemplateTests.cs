using System.Text.Json;

namespace Spheres.Tests.Infra;

/// <summary>The optional Azure OpenAI embedding deployment: off by default, keyless, and reached with the app's identity.</summary>
public sealed class AzureOpenAITemplateTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    private const string OpenAIUserRole = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"; // Cognitive Services OpenAI User

    [Fact]
    public void The_account_is_deployed_only_when_asked()
    {
        var parameter = template.Root.GetProperty("parameters").GetProperty("deployAzureOpenAI");
        Assert.False(parameter.GetProperty("defaultValue").GetBoolean());
        var module = template.Resources.Single(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                                                    && r.GetProperty("name").GetString() == "openai");
        Assert.Equal("[parameters('deployAzureOpenAI')]", module.GetProperty("condition").GetString());
    }

    [Fact]
    public void The_account_accepts_no_keys_and_holds_one_embedding_deployment()
    {
        var account = template.SingleResource("Microsoft.CognitiveServices/accounts");
        Assert.Equal("OpenAI", account.GetProperty("kind").GetString());
        Assert.True(account.GetProperty("properties").GetProperty("disableLocalAuth").GetBoolean());
        var deployment = template.SingleResource("Microsoft.CognitiveServices/accounts/deployments");
        Assert.Equal("OpenAI", deployment.GetProperty("properties").GetProperty("model").GetProperty("format").GetString());
        Assert.Equal("text-embedding-3-small", template.Root.GetProperty("parameters").GetProperty("openAIEmbeddingModel").GetProperty("defaultValue").GetString());
    }

    [Fact]
    public void The_app_identity_may_call_the_deployment_and_nothing_more()
    {
        var assignment = Assert.Single(template.ResourcesOfType("Microsoft.Authorization/roleAssignments"),
            r => r.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!.Contains(OpenAIUserRole, StringComparison.Ordinal));
        Assert.Equal("[parameters('appPrincipalId')]", assignment.GetProperty("properties").GetProperty("principalId").GetString());
        Assert.Contains("'Microsoft.CognitiveServices/accounts'", assignment.GetProperty("scope").GetString());
        Assert.Equal("ServicePrincipal", assignment.GetProperty("properties").GetProperty("principalType").GetString());
    }

    [Fact]
    public void The_app_settings_choose_the_provider_from_the_parameter()
    {
        var api = template.Resources.Single(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                                                 && r.GetProperty("name").GetString() == "api");
        var parameters = api.GetProperty("properties").GetProperty("parameters");
        Assert.Equal("[if(parameters('deployAzureOpenAI'), createObject('value', 'azure-openai'), createObject('value', 'local'))]",
            parameters.GetProperty("embeddingsProvider").GetString());
        Assert.Contains("openai", parameters.GetProperty("openAIEndpoint").GetProperty("value").GetString(), StringComparison.Ordinal);
        var settings = Assert.Single(template.ResourcesOfType("Microsoft.Web/sites/config"),
            r => r.GetProperty("name").GetString()!.Contains("'appsettings'", StringComparison.Ordinal)).GetProperty("properties");
        Assert.Equal("[parameters('embeddingsProvider')]", settings.GetProperty("Spheres__Embeddings__Provider").GetString());
        Assert.Equal("[parameters('openAIEndpoint')]", settings.GetProperty("Spheres__AzureOpenAI__Endpoint").GetString());
        Assert.Equal(JsonValueKind.String, settings.GetProperty("Spheres__AzureOpenAI__EmbeddingDeployment").ValueKind);
    }
}
