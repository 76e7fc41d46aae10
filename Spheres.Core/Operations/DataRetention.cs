using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Spheres.Core.Messaging;
using Spheres.Core.Providers;
using Spheres.Core.Storage;

namespace Spheres.Core.Operations;

/// <summary>How long data is kept (section <c>Spheres:Retention</c>). A value out of range stops the app: a typo must not delete more than intended.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Spheres:Retention";

    [Range(1, DataRetention.MaxMessageDays, ErrorMessage = "Spheres:Retention:MessageDays must be a number of days from 1 to 36500.")]
    public int MessageDays { get; set; } = DataRetention.DefaultMessageDays;
}

public sealed record RetentionResult(int Tenants, int MessagesDeleted, int ExceptionsDeleted, int AnalyticsDeleted = 0, int ConversationsDeleted = 0,
    int RepliesDeleted = 0, int SendBudgetRowsDeleted = 0);

/// <summary>
/// The nightly clean-up: inbound messages older than <c>Spheres:Retention:MessageDays</c> (default 400) and
/// working-hours exceptions of dates already past in the tenant's time zone (before yesterday, so an overnight
/// exception's early hours are never cut short), and cached analytics too old to be answered any more
/// (<see cref="Analytics.AnalyticsCache.MaxAge"/>), and send-budget rows idle for a day (<see cref="SharedSendBudget"/>).
/// Replies go by the same age as messages (every kind: the agent's, out-of-hours, quota and the owner's own, with the
/// out-of-hours claims, <see cref="Outbound.ReplyStore.DeleteMadeBeforeAsync"/>), and so do conversations: their timeline
/// entries, and a conversation whose last message is older (with its list row). Tenant by tenant; deletes go in entity-group transactions of at most 100 rows
/// of the tenant's partition.
/// </summary>
public sealed class DataRetention(SpheresStorage storage, Outbound.ReplyStore replyStore, SharedSendBudget sendBudget, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<DataRetention> logger)
{
    public const int DefaultMessageDays = 400;
    public const int MaxMessageDays = 36_500;

    public int MessageDays => options.Value.MessageDays;

    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = now.AddDays(-MessageDays);
        var tenants = await storage.TableAsync(TableNames.Tenants, cancellationToken).ConfigureAwait(false);
        var messages = await storage.TableAsync(TableNames.Messages, cancellationToken).ConfigureAwait(false);
        var workingHours = await storage.TableAsync(TableNames.WorkingHours, cancellationToken).ConfigureAwait(false);
        var analytics = await storage.TableAsync(TableNames.Analytics, cancellationToken).ConfigureAwait(false);
        var analyticsCutoff = now - Analytics.AnalyticsCache.MaxAge;
        int tenantCount = 0, messagesDeleted = 0, exceptionsDeleted = 0, analyticsDeleted = 0, conversationsDeleted = 0, repliesDeleted = 0,
            budgetRowsDeleted = 0;
        await foreach (var profile in tenants.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"profile"}"),
                           select: ["PartitionKey", "TimeZone"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var tenantId = profile.PartitionKey;
            tenantCount++;
            messagesDeleted += await BatchDeletes.DeleteMatchingAsync(messages,
                TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and ReceivedAt lt {cutoff}"), cancellationToken).ConfigureAwait(false);
            // Each message's identity row (what deduplicates a provider's retries) goes with it.
            await BatchDeletes.DeleteMatchingAsync(messages, TableFilters.TenantRowsBefore(tenantId, MessageStore.IdentityReceivedAt, cutoff),
                cancellationToken).ConfigureAwait(false);
            await BatchDeletes.DeleteMatchingAsync(messages, TableFilters.TenantRowsBefore(tenantId, Inbox.ConversationRows.TimelineAt, cutoff),
                cancellationToken).ConfigureAwait(false);
            // The list row before the conversation row: a conversation found without its list row still takes new messages.
            await BatchDeletes.DeleteMatchingAsync(messages, TableClient.CreateQueryFilter(
                $"PartitionKey eq {tenantId} and RowKey ge {Inbox.ConversationRows.ActivityPrefix} and RowKey lt {"a."} and LastMessageAt lt {cutoff}"),
                cancellationToken).ConfigureAwait(false);
            conversationsDeleted += await BatchDeletes.DeleteMatchingAsync(messages, TableClient.CreateQueryFilter(
                $"PartitionKey eq {tenantId} and LastMessageAt lt {cutoff}") + " and " + Inbox.ConversationRows.StateRowsFilter, cancellationToken)
                .ConfigureAwait(false);
            repliesDeleted += await replyStore.DeleteMadeBeforeAsync(tenantId, cutoff, cancellationToken).ConfigureAwait(false);
            var lastKept = LocalToday(profile.GetString("TimeZone"), now).PlusDays(-1).ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
            exceptionsDeleted += await BatchDeletes.DeleteMatchingAsync(workingHours, TableClient.CreateQueryFilter(
                    $"PartitionKey eq {tenantId} and Kind eq {"exception"} and RecurringAnnually eq {false} and Date lt {lastKept}"),
                cancellationToken).ConfigureAwait(false);
            // The stamp row has no ComputedAt and stays.
            analyticsDeleted += await BatchDeletes.DeleteMatchingAsync(analytics,
                TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and ComputedAt lt {analyticsCutoff}"), cancellationToken).ConfigureAwait(false);
            budgetRowsDeleted += await sendBudget.PurgeIdleAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }
        logger.LogInformation(
            "Retention: {Tenants} tenants, {Messages} messages and {Conversations} conversations and {Replies} replies older than {Days} days, " +
            "{Exceptions} past exceptions, {Analytics} expired analytics and {SendBudgetRows} idle send-budget rows deleted",
            tenantCount, messagesDeleted, conversationsDeleted, repliesDeleted, MessageDays, exceptionsDeleted, analyticsDeleted, budgetRowsDeleted);
        return new RetentionResult(tenantCount, messagesDeleted, exceptionsDeleted, analyticsDeleted, conversationsDeleted, repliesDeleted,
            budgetRowsDeleted);
    }

    private static LocalDate LocalToday(string? timeZone, DateTimeOffset now)
    {
        var zone = (timeZone is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone)) ?? DateTimeZone.Utc;
        return Instant.FromDateTimeOffset(now).InZone(zone).Date;
    }
}
