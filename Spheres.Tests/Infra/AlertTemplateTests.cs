using System.Text.Json;
using Spheres.Core.Operations;
using Spheres.Core.Storage;

namespace Spheres.Tests.Infra;

/// <summary>
/// The Azure Monitor alerts infra/app/alerts.bicep deploys, read from the compiled ARM JSON: which signal each reads (the
/// gauges the app records, the telemetry's reply counter, the requests), what it splits by, and where it is mailed.
/// </summary>
public sealed class AlertTemplateTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    [Fact]
    public void Every_alert_is_a_log_alert_over_application_insights_that_mails_the_action_group_when_an_email_is_given()
    {
        var rules = template.SingleResource("Microsoft.Insights/scheduledQueryRules");
        Assert.Equal("[length(variables('alerts'))]", rules.GetProperty("copy").GetProperty("count").GetString());
        var properties = rules.GetProperty("properties");
        Assert.Equal("[resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))]",
            Assert.Single(properties.GetProperty("scopes").EnumerateArray()).GetString());
        Assert.True(properties.GetProperty("enabled").GetBoolean());
        Assert.True(properties.GetProperty("autoMitigate").GetBoolean());
        Assert.Equal("[if(empty(parameters('alertEmail')), createArray(), createArray(resourceId('Microsoft.Insights/actionGroups', parameters('actionGroupName'))))]",
            properties.GetProperty("actions").GetProperty("actionGroups").GetString());

        var group = template.SingleResource("Microsoft.Insights/actionGroups");
        Assert.Equal("[not(empty(parameters('alertEmail')))]", group.GetProperty("condition").GetString());
        var receiver = Assert.Single(group.GetProperty("properties").GetProperty("emailReceivers").EnumerateArray());
        Assert.Equal("[parameters('alertEmail')]", receiver.GetProperty("emailAddress").GetString());
        // The deployment's own parameter, off by default, handed to the module.
        Assert.Equal("", template.Root.GetProperty("parameters").GetProperty("alertEmail").GetProperty("defaultValue").GetString());
        Assert.Equal("[parameters('alertEmail')]", AlertsModule().GetProperty("properties").GetProperty("parameters")
            .GetProperty("alertEmail").GetProperty("value").GetString());
    }

    [Fact]
    public void A_poison_queue_that_holds_messages_alerts_once_per_queue()
    {
        var alert = Alert("poison-queue");
        Assert.Contains($"name == \"{QueueBacklog.PoisonDepth.Name}\"", Query(alert));
        Assert.Contains("depth > 0", Query(alert));
        Assert.Equal("queue", alert.GetProperty("dimension").GetString());
    }

    [Fact]
    public void A_share_of_5xx_answers_alerts()
    {
        var alert = Alert("server-errors");
        Assert.Contains("requests", Query(alert));
        Assert.Contains("toint(resultCode) >= 500", Query(alert));
        Assert.Equal(5, ModuleDefault("serverErrorPercent"));
    }

    [Fact]
    public void An_auto_reply_waiting_over_five_minutes_in_every_reading_alerts()
    {
        var alert = Alert("auto-replies-waiting");
        Assert.Contains($"name == \"{QueueBacklog.OldestAge.Name}\" and tostring(customDimensions.queue) == \"{TableNames.AutoRepliesQueue}\"", Query(alert));
        Assert.Contains("youngest = min(value)", Query(alert)); // every reading of the window, not one
        Assert.Equal(300, ModuleDefault("autoReplyAgeSeconds"));
        Assert.Equal("s", QueueBacklog.OldestAge.Unit); // seconds, as the threshold is
    }

    [Fact]
    public void A_provider_refusing_many_replies_alerts_once_per_provider()
    {
        var alert = Alert("provider-refusals");
        Assert.Contains("name == \"spheres.replies\"", Query(alert)); // the telemetry's counter, dimensions provider and status
        Assert.Contains("sumif(valueSum, status == \"failed\")", Query(alert));
        Assert.Contains("by provider", Query(alert));
        Assert.Equal("provider", alert.GetProperty("dimension").GetString());
    }

    private JsonElement AlertsModule() => Assert.Single(template.ResourcesOfType("Microsoft.Resources/deployments"),
        d => d.GetProperty("name").GetString() == "alerts");

    private JsonElement Alert(string name) => Assert.Single(
        AlertsModule().GetProperty("properties").GetProperty("template").GetProperty("variables").GetProperty("alerts").EnumerateArray(),
        a => a.GetProperty("name").GetString() == name);

    private static string Query(JsonElement alert) => alert.GetProperty("query").GetString()!;

    private int ModuleDefault(string parameter) => AlertsModule().GetProperty("properties").GetProperty("template")
        .GetProperty("parameters").GetProperty(parameter).GetProperty("defaultValue").GetInt32();
}
