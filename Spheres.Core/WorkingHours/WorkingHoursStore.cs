using System.Globalization;
using Azure;
using Azure.Data.Tables;
using NodaTime;
using Spheres.Core.Storage;

namespace Spheres.Core.WorkingHours;

/// <summary>A weekly row as stored: its id (unique within the tenant) and its integration.</summary>
public sealed record StoredRow(int Id, int IntegrationId, WorkingHoursRow Row);

/// <summary>One integration's whole schedule, read in one query, and the version it was read at.</summary>
public sealed record StoredSchedule(int IntegrationId, IReadOnlyList<StoredRow> Rows, IReadOnlyList<ScheduleException> Exceptions, ETag? Version)
{
    public IReadOnlyList<WorkingHoursRow> WeekRows => Rows.Select(r => r.Row).ToList();
}

/// <summary>What one edit does to an integration's schedule. <see cref="WorkingHoursStore"/> commits it whole or not at all.</summary>
public sealed class ScheduleChange
{
    public List<int> DeleteRows { get; } = [];

    /// <summary>New rows; they get the tenant's next row ids, in this order.</summary>
    public List<WorkingHoursRow> AddRows { get; } = [];

    public List<StoredRow> ReplaceRows { get; } = [];
    public List<ScheduleException> AddExceptions { get; } = [];
    public List<ScheduleException> DeleteExceptions { get; } = [];
}

/// <summary>
/// Working hours in the tenant's partition of <c>WorkingHours</c>. Everything of integration 12 sits
/// under the RowKey prefix <c>i000012-</c>, so one range query reads its whole schedule:
/// <list type="bullet">
/// <item><c>i000012-a-version</c>: bumped by every edit; sorts first, so a query that races an edit
/// reads the version before the rows, and a commit based on that read fails on the version's ETag;</item>
/// <item><c>i000012-r-0000000042</c>: weekly row 42;</item>
/// <item><c>i000012-x-2026-12-25</c>: an exception on that date; <c>i000012-x-yearly-12-25</c>: one recurring every 25 December.</item>
/// </list>
/// Row ids come from the tenant's <c>sequence</c> row. An edit writes its rows, the version and the
/// sequence in one entity-group transaction, each conditional on the ETag read: two concurrent edits
/// cannot both commit against the schedule they validated (the loser rereads and validates again).
/// </summary>
public sealed class WorkingHoursStore(SpheresStorage storage)
{
    /// <summary>How often an edit is retried against a newer schedule before the caller gets a 409.</summary>
    public const int MaxEditAttempts = 8;

    private const string SequenceKey = "sequence";
    private const string VersionSuffix = "a-version";
    private const string KindRow = "row", KindException = "exception", KindVersion = "version", KindSequence = "sequence";
    private const int MaxOperationsPerTransaction = 100;

    /// <summary>Reads one integration's schedule: rows by weekday and start, exceptions by date.</summary>
    public async Task<StoredSchedule> LoadAsync(string tenantId, int integrationId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var prefix = Prefix(integrationId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {prefix} and RowKey lt {PrefixEnd(prefix)}");
        var rows = new List<StoredRow>();
        var exceptions = new List<ScheduleException>();
        ETag? version = null;
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            switch (entity.GetString("Kind"))
            {
                case KindVersion: version = entity.ETag; break;
                case KindRow: rows.Add(ToRow(entity)); break;
                case KindException: exceptions.Add(ToException(entity)); break;
            }
        }
        return new StoredSchedule(integrationId, Sorted(rows), exceptions.OrderBy(e => e.RecurringAnnually).ThenBy(e => e.Date).ToList(), version);
    }

    /// <summary>Every weekly row of the tenant, of every integration.</summary>
    public async Task<IReadOnlyList<StoredRow>> ListRowsAsync(string tenantId, CancellationToken cancellationToken) =>
        await QueryRowsAsync(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and Kind eq {KindRow}"), cancellationToken).ConfigureAwait(false);

    /// <summary>The tenant's row with this id, or null.</summary>
    public async Task<StoredRow?> FindRowAsync(string tenantId, int rowId, CancellationToken cancellationToken) =>
        (await QueryRowsAsync(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and Kind eq {KindRow} and RowId eq {rowId}"),
            cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>
    /// Loads the schedule, lets <paramref name="plan"/> validate and decide the change (it throws to
    /// refuse), and commits it against the version it saw. When another edit committed meanwhile, it
    /// starts over with the new schedule, up to <see cref="MaxEditAttempts"/> times; then null.
    /// Returns the rows added, with their new ids.
    /// </summary>
    public async Task<IReadOnlyList<StoredRow>?> EditAsync(
        string tenantId, int integrationId, Func<StoredSchedule, ScheduleChange> plan, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxEditAttempts; attempt++)
        {
            var schedule = await LoadAsync(tenantId, integrationId, cancellationToken).ConfigureAwait(false);
            var change = plan(schedule);
            var added = await TryCommitAsync(tenantId, schedule, change, cancellationToken).ConfigureAwait(false);
            if (added is not null) return added;
        }
        return null;
    }

    /// <summary>Removes an integration's whole schedule (its integration was deleted). Several transactions when it is large.</summary>
    public async Task DeleteScheduleAsync(string tenantId, int integrationId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var prefix = Prefix(integrationId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {prefix} and RowKey lt {PrefixEnd(prefix)}");
        var keys = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            keys.Add(new TableEntity(entity.PartitionKey, entity.RowKey));
        }
        foreach (var chunk in keys.Chunk(MaxOperationsPerTransaction))
        {
            await table.SubmitTransactionAsync(
                chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One transaction: version, sequence (when rows are added), then the rows and exceptions. A week
    /// replace is at most 28 deletes + 28 adds + 2, well under the 100 operations allowed. Null when
    /// the version or the sequence moved since they were read.
    /// </summary>
    private async Task<IReadOnlyList<StoredRow>?> TryCommitAsync(
        string tenantId, StoredSchedule basis, ScheduleChange change, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var prefix = Prefix(basis.IntegrationId);
        var actions = new List<TableTransactionAction>();

        var versionRow = new TableEntity(tenantId, prefix + VersionSuffix) { ["Kind"] = KindVersion, ["IntegrationId"] = basis.IntegrationId };
        actions.Add(basis.Version is { } version
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, versionRow, version)
            : new TableTransactionAction(TableTransactionActionType.Add, versionRow));

        var added = new List<StoredRow>();
        if (change.AddRows.Count > 0)
        {
            var sequence = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, SequenceKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var nextId = sequence.HasValue ? sequence.Value!.GetInt32("NextRowId") ?? 1 : 1;
            var sequenceRow = new TableEntity(tenantId, SequenceKey) { ["Kind"] = KindSequence, ["NextRowId"] = nextId + change.AddRows.Count };
            actions.Add(sequence.HasValue
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, sequenceRow, sequence.Value!.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, sequenceRow));
            added.AddRange(change.AddRows.Select((row, i) => new StoredRow(nextId + i, basis.IntegrationId, row with { Id = nextId + i })));
        }

        // The version's ETag guards everything below: what was read is still what is there.
        actions.AddRange(change.DeleteRows.Select(id =>
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(tenantId, RowKey(basis.IntegrationId, id)), ETag.All)));
        actions.AddRange(change.DeleteExceptions.Select(e =>
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(tenantId, prefix + ExceptionKey(e)), ETag.All)));
        actions.AddRange(added.Select(row => new TableTransactionAction(TableTransactionActionType.Add, FromRow(tenantId, row))));
        actions.AddRange(change.ReplaceRows.Select(row =>
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, FromRow(tenantId, row), ETag.All)));
        actions.AddRange(change.AddExceptions.Select(e =>
            new TableTransactionAction(TableTransactionActionType.Add, FromException(tenantId, basis.IntegrationId, e))));

        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return added;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return null; // another edit (or a row id taken by another integration's edit) got in first
        }
    }

    private async Task<IReadOnlyList<StoredRow>> QueryRowsAsync(string filter, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<StoredRow>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(ToRow(entity));
        }
        return Sorted(rows);
    }

    /// <summary>The API's order: by integration, weekday, start time, then id.</summary>
    public static IReadOnlyList<StoredRow> Sorted(IEnumerable<StoredRow> rows) =>
        rows.OrderBy(r => r.IntegrationId).ThenBy(r => r.Row.Weekday).ThenBy(r => r.Row.StartTime).ThenBy(r => r.Id).ToList();

    /// <summary>The exception's key below the integration prefix: <c>x-2026-12-25</c>, or <c>x-yearly-12-25</c> when it recurs.</summary>
    public static string ExceptionKey(ScheduleException exception) => ExceptionKey(exception.Date, exception.RecurringAnnually);

    private static string ExceptionKey(LocalDate date, bool recurring) =>
        recurring
            ? "x-yearly-" + date.ToString("MM-dd", CultureInfo.InvariantCulture)
            : "x-" + date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.WorkingHours, cancellationToken);

    private static string Prefix(int integrationId) => "i" + integrationId.ToString("D6", CultureInfo.InvariantCulture) + "-";

    /// <summary>The first key after every key that starts with the prefix ('.' follows '-').</summary>
    private static string PrefixEnd(string prefix) => prefix[..^1] + ".";

    private static string RowKey(int integrationId, int rowId) =>
        Prefix(integrationId) + "r-" + rowId.ToString("D10", CultureInfo.InvariantCulture);

    private static TableEntity FromRow(string tenantId, StoredRow stored) => new(tenantId, RowKey(stored.IntegrationId, stored.Id))
    {
        ["Kind"] = KindRow, ["RowId"] = stored.Id, ["IntegrationId"] = stored.IntegrationId, ["Weekday"] = stored.Row.Weekday,
        ["StartTime"] = stored.Row.HasTimes ? TimeText.Format(stored.Row.StartTime) : null,
        ["EndTime"] = stored.Row.HasTimes ? TimeText.FormatEnd(stored.Row.EndTime, stored.Row.EndsAtEndOfDay) : null, ["IsEnabled"] = stored.Row.IsEnabled,
    };

    private static StoredRow ToRow(TableEntity e)
    {
        var id = e.GetInt32("RowId") ?? 0;
        if (e.GetString("StartTime") is null)
        {
            return new StoredRow(id, e.GetInt32("IntegrationId") ?? 0, WorkingHoursRow.WithoutTimes(e.GetInt32("Weekday") ?? 0) with { Id = id });
        }
        var (end, endOfDay) = StoredEnd(e.GetString("EndTime"));
        return new StoredRow(id, e.GetInt32("IntegrationId") ?? 0,
            new WorkingHoursRow(e.GetInt32("Weekday") ?? 0, StoredTime(e.GetString("StartTime")), end, e.GetBoolean("IsEnabled") ?? true, id)
            {
                EndsAtEndOfDay = endOfDay,
            });
    }

    private static TableEntity FromException(string tenantId, int integrationId, ScheduleException exception) =>
        new(tenantId, Prefix(integrationId) + ExceptionKey(exception))
        {
            ["Kind"] = KindException, ["IntegrationId"] = integrationId,
            ["Date"] = exception.Date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture), ["RecurringAnnually"] = exception.RecurringAnnually,
            ["IsClosed"] = exception.IsClosed, ["Ranges"] = string.Join(",", exception.Ranges.Select(r => r.ToString())), ["Name"] = exception.Name,
        };

    private static ScheduleException ToException(TableEntity e)
    {
        WorkingHoursValidator.TryParseDate(e.GetString("Date"), out var date, out _);
        var ranges = (e.GetString("Ranges") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(text => text.Split('-'))
            .Select(parts => StoredEnd(parts[1]) switch { var (end, endOfDay) => new TimeRange(StoredTime(parts[0]), end, endOfDay) })
            .ToList();
        return new ScheduleException(date, e.GetBoolean("IsClosed") ?? false, ranges, e.GetString("Name"), e.GetBoolean("RecurringAnnually") ?? false);
    }

    private static (LocalTime End, bool EndsAtEndOfDay) StoredEnd(string? text) =>
        TimeText.ParseEnd(text) ?? throw new FormatException($"Stored working hours: the end time {text} is not HH:MM or 24:00.");

    private static LocalTime StoredTime(string? text) =>
        WorkingHoursValidator.TryParseTime(text, out var time, out var error) ? time : throw new FormatException("Stored working hours: " + error);
}
