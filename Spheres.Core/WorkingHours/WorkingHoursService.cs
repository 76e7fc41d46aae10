using System.Globalization;
using NodaTime;
using Spheres.Core.Accounts;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// The weekly rows of the tenant's integrations and their status. A whole week is replaced in one
/// transaction; a single row is validated against the rest of its integration's week. Every write
/// is checked against the version it was validated on (<see cref="WorkingHoursStore"/>), so two
/// concurrent edits cannot together produce an overlap. Rules: <see cref="WorkingHoursAccess"/>.
/// </summary>
public sealed class WorkingHoursService(
    WorkingHoursAccess access, WorkingHoursStore store, CachedWorkingScheduleSource schedules, IntegrationStore integrations, TimeProvider time)
{
    public async Task<IReadOnlyList<StoredRow>> GetWeekAsync(Caller caller, int integrationId, CancellationToken cancellationToken)
    {
        await access.ForReadAsync(caller, integrationId, cancellationToken).ConfigureAwait(false);
        return (await store.LoadAsync(caller.TenantId, integrationId, cancellationToken).ConfigureAwait(false)).Rows;
    }

    /// <summary>Replaces the week with <paramref name="rows"/> (new ids for all); <c>[]</c> clears it. A rejected week changes nothing.</summary>
    public async Task<IReadOnlyList<StoredRow>> ReplaceWeekAsync(
        Caller caller, int integrationId, IReadOnlyList<RowInput?> rows, CancellationToken cancellationToken)
    {
        // Counted before anything else: the validator compares every pair of rows.
        if (rows.Count > WorkingHoursValidator.MaxRowsPerWeek)
        {
            throw ProblemException.Validation("rows", $"A week holds at most {WorkingHoursValidator.MaxRowsPerWeek} rows; got {rows.Count}.");
        }
        var target = await access.ForWriteAsync(caller, integrationId, cancellationToken).ConfigureAwait(false);
        var errors = new FieldErrors();
        var parsed = new List<WorkingHoursRow>();
        var sentIndex = new List<int>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (WorkingHoursInput.ParseRow(rows[i], $"rows[{i}].", errors) is { } row)
            {
                parsed.Add(row);
                sentIndex.Add(i);
            }
        }
        WorkingHoursInput.ValidateSentWeek(parsed, sentIndex, rows.Count, errors);
        errors.ThrowIfAny();

        var added = await access.EditAsync(target, schedule =>
        {
            var change = new ScheduleChange();
            change.DeleteRows.AddRange(schedule.Rows.Select(r => r.Id));
            change.AddRows.AddRange(parsed);
            return change;
        }, cancellationToken).ConfigureAwait(false);
        return WorkingHoursStore.Sorted(added);
    }

    /// <summary>Open now or not, and the next changes, in the profile's time zone. Reads storage (not the cache), so an edit shows at once.</summary>
    public async Task<WorkingHoursStatus> GetStatusAsync(Caller caller, int integrationId, CancellationToken cancellationToken)
    {
        var target = await access.ForReadAsync(caller, integrationId, cancellationToken).ConfigureAwait(false);
        var schedule = await schedules.LoadAsync(caller.TenantId, integrationId, target.Profile.TimeZone, cancellationToken).ConfigureAwait(false);
        return schedule.Evaluate(Instant.FromDateTimeOffset(time.GetUtcNow()));
    }

    /// <summary>Every row of the tenant, or of one integration (<paramref name="integrationFilter"/>: an id as sent in the query).</summary>
    public async Task<IReadOnlyList<StoredRow>> ListRowsAsync(Caller caller, string? integrationFilter, CancellationToken cancellationToken)
    {
        if (integrationFilter is not null)
        {
            if (!int.TryParse(integrationFilter, NumberStyles.None, CultureInfo.InvariantCulture, out var integrationId))
            {
                throw ProblemException.Validation("integration", $"Give an integration id (a whole number); got '{Shorten(integrationFilter)}'.");
            }
            return await GetWeekAsync(caller, integrationId, cancellationToken).ConfigureAwait(false);
        }
        var rows = await store.ListRowsAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        // Rows outlive an integration only if its delete failed half-way; they are not shown.
        var existing = (await integrations.ListAsync(caller.TenantId, cancellationToken).ConfigureAwait(false)).Select(i => i.Id).ToHashSet();
        return rows.Where(r => existing.Contains(r.IntegrationId)).ToList();
    }

    /// <summary>Adds one row to <see cref="RowInput.Integration"/>'s week; 400 naming the row by id when it overlaps one.</summary>
    public async Task<StoredRow> CreateRowAsync(Caller caller, RowInput input, CancellationToken cancellationToken)
    {
        if (input.Integration is not { } integrationId)
        {
            var missing = new FieldErrors();
            missing.Add("integration", "Give the id of the integration the row belongs to.");
            WorkingHoursInput.ParseRow(input, "", missing);
            throw ProblemException.Validation(missing.ToDictionary());
        }
        var target = await access.ForWriteAsync(caller, integrationId, cancellationToken).ConfigureAwait(false);
        var row = ParseSingle(input);
        var added = await access.EditAsync(target, schedule =>
        {
            var errors = new FieldErrors();
            WorkingHoursInput.ValidateRowInWeek(row, schedule.Rows, integrationId, errors);
            errors.ThrowIfAny();
            var change = new ScheduleChange();
            change.AddRows.Add(row);
            return change;
        }, cancellationToken).ConfigureAwait(false);
        return added.Single();
    }

    /// <summary>
    /// Replaces one row (PUT: every field given again), or with <paramref name="given"/> (PATCH) only the
    /// fields named there, the rest taken from the row as stored when the edit is applied. It stays with its integration.
    /// </summary>
    public async Task<StoredRow> ReplaceRowAsync(Caller caller, int rowId, RowInput input, CancellationToken cancellationToken,
        IReadOnlySet<string>? given = null)
    {
        var found = await FindRowAsync(caller, rowId, cancellationToken).ConfigureAwait(false);
        if (input.Integration is { } moved && moved != found.IntegrationId)
        {
            throw ProblemException.Validation("integration",
                $"Row {rowId} belongs to integration {found.IntegrationId} and stays there; to move it, delete it and create it on integration {moved}.");
        }
        var target = await access.ForWriteAsync(caller, found.IntegrationId, cancellationToken).ConfigureAwait(false);
        StoredRow? replacement = null;
        await access.EditAsync(target, schedule =>
        {
            var current = schedule.Rows.FirstOrDefault(r => r.Id == rowId) ?? throw RowNotFound(rowId);
            var row = ParseSingle(given is null ? input : Merge(current.Row, input, given)) with { Id = rowId };
            var errors = new FieldErrors();
            WorkingHoursInput.ValidateRowInWeek(row, schedule.Rows.Where(r => r.Id != rowId).ToList(), found.IntegrationId, errors);
            errors.ThrowIfAny();
            replacement = new StoredRow(rowId, found.IntegrationId, row);
            var change = new ScheduleChange();
            change.ReplaceRows.Add(replacement);
            return change;
        }, cancellationToken).ConfigureAwait(false);
        return replacement!;
    }

    /// <summary>The row as a PATCH leaves it: the fields it names, the stored values for the rest.</summary>
    private static RowInput Merge(WorkingHoursRow current, RowInput changes, IReadOnlySet<string> given) => new(
        given.Contains("weekday") ? changes.Weekday : current.Weekday,
        given.Contains("start_time") ? changes.StartTime : current.HasTimes ? TimeText.Format(current.StartTime) : null,
        given.Contains("end_time") ? changes.EndTime : current.HasTimes ? TimeText.FormatEnd(current.EndTime, current.EndsAtEndOfDay) : null,
        given.Contains("is_enabled") ? changes.IsEnabled : current.IsEnabled);

    public async Task DeleteRowAsync(Caller caller, int rowId, CancellationToken cancellationToken)
    {
        var found = await FindRowAsync(caller, rowId, cancellationToken).ConfigureAwait(false);
        var target = await access.ForWriteAsync(caller, found.IntegrationId, cancellationToken).ConfigureAwait(false);
        await access.EditAsync(target, schedule =>
        {
            if (schedule.Rows.All(r => r.Id != rowId)) throw RowNotFound(rowId);
            var change = new ScheduleChange();
            change.DeleteRows.Add(rowId);
            return change;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One row of the caller's, on every plan (reading is never plan-gated); another tenant's is 404.</summary>
    public Task<StoredRow> GetRowAsync(Caller caller, int rowId, CancellationToken cancellationToken) => FindRowAsync(caller, rowId, cancellationToken);

    private async Task<StoredRow> FindRowAsync(Caller caller, int rowId, CancellationToken cancellationToken) =>
        await store.FindRowAsync(caller.TenantId, rowId, cancellationToken).ConfigureAwait(false) ?? throw RowNotFound(rowId);

    private static WorkingHoursRow ParseSingle(RowInput input)
    {
        var errors = new FieldErrors();
        var row = WorkingHoursInput.ParseRow(input, "", errors);
        errors.ThrowIfAny();
        return row!;
    }

    private static ProblemException RowNotFound(int rowId) => ProblemException.NotFound($"You have no working-hours row {rowId}.");

    private static string Shorten(string text) => text.Length > 20 ? text[..20] + "…" : text;
}
