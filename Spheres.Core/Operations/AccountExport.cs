using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Integrations;
using Spheres.Core.Messaging;
using Spheres.Core.Problems;
using Spheres.Core.Storage;
using Spheres.Core.WorkingHours;

namespace Spheres.Core.Operations;

/// <summary>How many rows the export reads per storage page (and holds in memory at most).</summary>
public sealed class ExportOptions
{
    public int PageSize { get; set; } = 1000;
}

/// <summary>
/// Everything a tenant has, as one JSON document (GDPR art. 20), credentials excepted. Written as it is read:
/// messages and the other unbounded collections are read a page at a time and each page is flushed to the
/// output before the next is read, so a tenant with 100 000 messages never has more than one page in memory.
/// </summary>
public sealed class AccountExport(
    AccountStore accounts, IntegrationStore integrations, WorkingHoursStore workingHours, MessageStore messages, CatalogService catalog,
    SpheresStorage storage, ExportOptions options, TimeProvider time)
{
    public const string Format = "spheres-export/1";

    /// <summary>
    /// Tables that exist only once something was written to them (features that may not be deployed yet): whole, or the rows a filter picks
    /// (the conversations themselves, not their list and timeline copies; the owner's own replies).
    /// </summary>
    private static readonly (string Table, string Section, string? Filter)[] OptionalTables =
    [
        ("Reviews", "reviews", null),
        (TableNames.Messages, "conversations", Inbox.ConversationRows.StateRowsFilter),
        (TableNames.Replies, "human_replies", TableClient.CreateQueryFilter($"Kind eq {nameof(Outbound.ReplyKind.Human)}")),
    ];

    /// <summary>Checks what can fail with a proper answer (no tenant) before the first byte is written.</summary>
    public async Task<(TenantProfile Profile, UserAccount User)> PrepareAsync(Caller caller, CancellationToken cancellationToken)
    {
        var profile = await accounts.FindProfileAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        var user = profile is null ? null : await accounts.FindUserAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false);
        if (profile is null || user is null) throw ProblemException.NotFound("This account does not exist any more.");
        return (profile, user);
    }

    public async Task WriteAsync(TenantProfile profile, UserAccount user, Utf8JsonWriter json, CancellationToken cancellationToken)
    {
        var tenantId = profile.TenantId;
        var snapshot = await catalog.GetAsync(cancellationToken).ConfigureAwait(false);
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteString("exported_at", time.GetUtcNow());
        WriteProfile(json, profile, user, snapshot);

        var connected = await integrations.ListAsync(tenantId, cancellationToken).ConfigureAwait(false);
        json.WriteStartArray("integrations");
        foreach (var i in connected) WriteIntegration(json, i);
        json.WriteEndArray();

        json.WriteStartArray("working_hours");
        foreach (var row in await workingHours.ListRowsAsync(tenantId, cancellationToken).ConfigureAwait(false))
        {
            json.WriteStartObject();
            json.WriteNumber("id", row.Id);
            json.WriteNumber("integration", row.IntegrationId);
            json.WriteNumber("weekday", row.Row.Weekday);
            WriteTime(json, "start_time", row.Row.StartTime);
            WriteTime(json, "end_time", row.Row.EndTime);
            json.WriteBoolean("is_enabled", row.Row.IsEnabled);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("working_hours_exceptions");
        foreach (var integration in connected)
        {
            var schedule = await workingHours.LoadAsync(tenantId, integration.Id, cancellationToken).ConfigureAwait(false);
            foreach (var e in schedule.Exceptions) WriteException(json, integration.Id, e);
        }
        json.WriteEndArray();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);

        await WriteMessagesAsync(json, tenantId, cancellationToken).ConfigureAwait(false);
        await WritePartitionAsync(json, "integration_events", TableNames.IntegrationEvents, tenantId, cancellationToken).ConfigureAwait(false);
        var tables = await storage.ListTableNamesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (table, section, filter) in OptionalTables)
        {
            if (tables.Contains(table)) await WritePartitionAsync(json, section, table, tenantId, cancellationToken, filter).ConfigureAwait(false);
            else WriteEmptySection(json, section); // nothing stored there yet: the section is still in the document, empty
        }
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteMessagesAsync(Utf8JsonWriter json, string tenantId, CancellationToken cancellationToken)
    {
        json.WriteStartArray("messages");
        string? cursor = null;
        do
        {
            var (page, next) = await messages.ListAsync(tenantId, null, options.PageSize, cursor, cancellationToken).ConfigureAwait(false);
            foreach (var m in page)
            {
                json.WriteStartObject();
                json.WriteString("id", m.Id);
                json.WriteNumber("integration", m.IntegrationId);
                json.WriteString("provider", m.Provider);
                json.WriteString("external_id", m.ExternalId);
                json.WriteString("sender", m.Sender);
                json.WriteString("text", m.Text);
                json.WritePropertyName("attachments");
                // Serialized aside: JsonSerializer.Serialize would flush the writer, a synchronous write to the response.
                json.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(m.Attachments.Select(QueuedAttachment.From).ToList()));
                json.WriteString("payload", m.Payload);
                json.WriteString("reply_to", m.ReplyTo);
                if (m.EditedAt is { } editedAt) json.WriteString("edited_at", editedAt);
                else json.WriteNull("edited_at");
                json.WriteBoolean("deleted", m.Deleted);
                json.WriteString("sender_name", m.SenderName);
                json.WriteString("sent_at", m.SentAt);
                json.WriteString("received_at", m.ReceivedAt);
                json.WriteString("decision", MessageQueues.DecisionName(m.Decision));
                json.WriteString("reply_text", m.ReplyText);
                json.WriteEndObject();
            }
            await json.FlushAsync(cancellationToken).ConfigureAwait(false); // this page leaves before the next is read
            cursor = next;
        }
        while (cursor is not null);
        json.WriteEndArray();
    }

    private static void WriteEmptySection(Utf8JsonWriter json, string section)
    {
        json.WriteStartArray(section);
        json.WriteEndArray();
    }

    /// <summary>A partition of a table (or its rows <paramref name="filter"/> picks) as plain objects (keys and binary columns left out), page by page.</summary>
    private async Task WritePartitionAsync(Utf8JsonWriter json, string section, string tableName, string tenantId, CancellationToken cancellationToken,
        string? filter = null)
    {
        var table = await storage.TableAsync(tableName, cancellationToken).ConfigureAwait(false);
        json.WriteStartArray(section);
        var rows = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}") + (filter is null ? "" : $" and ({filter})");
        await foreach (var page in table.QueryAsync<TableEntity>(rows, maxPerPage: options.PageSize,
                           cancellationToken: cancellationToken).AsPages(pageSizeHint: options.PageSize).ConfigureAwait(false))
        {
            foreach (var row in page.Values)
            {
                json.WriteStartObject();
                foreach (var (name, value) in row.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    WriteValue(json, JsonNamingPolicy.SnakeCaseLower.ConvertName(name), value);
                }
                json.WriteEndObject();
            }
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        json.WriteEndArray();
    }

    private static void WriteProfile(Utf8JsonWriter json, TenantProfile p, UserAccount user, CatalogSnapshot snapshot)
    {
        json.WriteStartObject("profile");
        json.WriteString("tenant_id", p.TenantId);
        json.WriteString("business_name", p.BusinessName);
        json.WriteNumber("sphere_id", p.SphereId);
        json.WriteString("sphere_slug", snapshot.Spheres.FirstOrDefault(s => s.Id == p.SphereId)?.Slug);
        json.WriteString("timezone", p.TimeZone);
        json.WriteString("country", p.Country);
        json.WriteString("plan", p.Plan);
        json.WriteString("created_at", p.CreatedAt);
        json.WriteString("updated_at", p.UpdatedAt);
        json.WriteEndObject();
        json.WriteStartObject("user");
        json.WriteString("id", user.UserId);
        json.WriteString("email", user.Email);
        json.WriteString("name", user.Name);
        json.WriteString("created_at", user.CreatedAt);
        json.WriteEndObject();
    }

    /// <summary>The integration without its credentials or their vault references: only whether it has them.</summary>
    private static void WriteIntegration(Utf8JsonWriter json, Integration i)
    {
        json.WriteStartObject();
        json.WriteNumber("id", i.Id);
        json.WriteNumber("integration_type_id", i.TypeId);
        json.WriteString("integration_type_slug", i.TypeSlug);
        json.WriteString("status", i.Status.ToString().ToLowerInvariant());
        json.WriteString("status_detail", i.StatusDetail);
        json.WritePropertyName("settings");
        json.WriteRawValue(i.SettingsJson, skipInputValidation: false);
        json.WriteBoolean("has_credentials", i.HasCredentials);
        json.WriteString("created_at", i.CreatedAt);
        json.WriteString("updated_at", i.UpdatedAt);
        json.WriteEndObject();
    }

    private static void WriteException(Utf8JsonWriter json, int integrationId, ScheduleException e)
    {
        json.WriteStartObject();
        json.WriteNumber("integration", integrationId);
        json.WriteString("date", e.Date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture));
        json.WriteBoolean("recurring_annually", e.RecurringAnnually);
        json.WriteBoolean("is_closed", e.IsClosed);
        json.WriteStartArray("ranges");
        foreach (var range in e.Ranges)
        {
            json.WriteStartObject();
            WriteTime(json, "start_time", range.Start);
            WriteTime(json, "end_time", range.End);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("name", e.Name);
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, NodaTime.LocalTime time) =>
        json.WriteString(name, TimeText.Format(time));

    private static void WriteValue(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(name); break;
            case string s: json.WriteString(name, s); break;
            case bool b: json.WriteBoolean(name, b); break;
            case int n: json.WriteNumber(name, n); break;
            case long n: json.WriteNumber(name, n); break;
            case double d: json.WriteNumber(name, d); break;
            case DateTimeOffset at: json.WriteString(name, at); break;
            case DateTime at: json.WriteString(name, at); break;
            case Guid g: json.WriteString(name, g); break;
            default: break; // binary columns (vectors, ciphertext) are not the owner's readable data
        }
    }
}
