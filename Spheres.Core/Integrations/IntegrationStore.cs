using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Integrations;

/// <summary>
/// Integrations in the tenant's partition of <c>Integrations</c>: the rows, an id sequence row and
/// a marker per type. Creating writes all three in one transaction, so ids are unique within the
/// tenant and a second integration of one type fails whole.
/// </summary>
public sealed class IntegrationStore(SpheresStorage storage)
{
    private const string SequenceRow = "sequence";
    private const string RowPrefix = "int-";
    private const string TypeMarkerPrefix = "type-";
    private const int MaxCreateAttempts = 8;

    public sealed class DuplicateTypeException() : Exception("The tenant already has an integration of this type.");

    /// <summary>Creates the integration with the next free id; <see cref="DuplicateTypeException"/> when the type is taken.</summary>
    public async Task<Integration> CreateAsync(string tenantId, Func<int, Integration> build, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var sequence = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, SequenceRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            var nextId = sequence.HasValue ? sequence.Value!.GetInt32("NextId") ?? 1 : 1;
            var integration = build(nextId);
            var sequenceRow = new TableEntity(tenantId, SequenceRow) { ["NextId"] = nextId + 1 };
            TableTransactionAction[] actions =
            [
                sequence.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, sequenceRow, sequence.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, sequenceRow),
                new TableTransactionAction(TableTransactionActionType.Add, ToRow(integration)),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(tenantId, TypeMarker(integration.TypeId))
                {
                    ["IntegrationId"] = integration.Id,
                }),
            ];
            try
            {
                var response = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return integration with { ETag = response.Value[1].Headers.ETag?.ToString() };
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 2 && e.Status == 409)
            {
                throw new DuplicateTypeException();
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxCreateAttempts)
            {
                // A concurrent create took this id; take the next.
            }
        }
    }

    public async Task<IReadOnlyList<Integration>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<Integration>();
        await foreach (var row in table.QueryAsync<TableEntity>(
                           e => e.PartitionKey == tenantId && e.RowKey.CompareTo(RowPrefix) >= 0 && e.RowKey.CompareTo("int.") < 0,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(FromRow(row));
        }
        return rows.OrderBy(i => i.Id).ToList();
    }

    public async Task<Integration?> FindAsync(string tenantId, int id, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, Key(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>Replaces the row if its ETag still matches; null when someone changed it meanwhile.</summary>
    public async Task<Integration?> TryReplaceAsync(Integration integration, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        return await table.TryUpdateAsync(ToRow(integration), new ETag(integration.ETag ?? "*"), cancellationToken).ConfigureAwait(false) is { } etag
            ? integration with { ETag = etag.ToString() }
            : null;
    }

    /// <summary>
    /// Applies <paramref name="change"/> with an ETag-checked replace. When something else changed the row meanwhile
    /// (a settings edit), the change is applied to the fresh row again, while <paramref name="stillValid"/> says it is
    /// still the row the change was made for; at most three tries. Null when it is not, or the row is gone.
    /// </summary>
    public async Task<Integration?> TryChangeAsync(Integration integration, Func<Integration, Integration> change, Func<Integration, bool> stillValid,
        CancellationToken cancellationToken)
    {
        var current = integration;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await TryReplaceAsync(change(current), cancellationToken).ConfigureAwait(false) is { } saved) return saved;
            current = await FindAsync(integration.TenantId, integration.Id, cancellationToken).ConfigureAwait(false);
            if (current is null || !stillValid(current)) return null;
        }
        return null;
    }

    /// <summary>Deletes the row and its type marker together; false when the row changed or is gone.</summary>
    public async Task<bool> TryDeleteAsync(Integration integration, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Delete, ToRow(integration), new ETag(integration.ETag ?? "*")),
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(integration.TenantId, TypeMarker(integration.TypeId)), ETag.All),
            ], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.Integrations, cancellationToken);

    private static string Key(int id) => RowPrefix + id.ToString("D6", CultureInfo.InvariantCulture);

    private static string TypeMarker(int typeId) => TypeMarkerPrefix + typeId.ToString("D4", CultureInfo.InvariantCulture);

    private static TableEntity ToRow(Integration i) => new(i.TenantId, Key(i.Id))
    {
        ["Id"] = i.Id, ["UserId"] = i.UserId, ["TypeId"] = i.TypeId, ["TypeSlug"] = i.TypeSlug,
        ["Status"] = i.Status.ToApi(), ["StatusDetail"] = i.StatusDetail,
        ["Settings"] = i.SettingsJson, ["CredentialsRef"] = i.CredentialsRef, ["WebhookSecretRef"] = i.WebhookSecretRef,
        ["WebhookKey"] = i.WebhookKey, ["RouteKey"] = i.RouteKey, ["CreatedAt"] = i.CreatedAt, ["UpdatedAt"] = i.UpdatedAt,
        ["RetiredCredentialsRef"] = i.RetiredCredentialsRef, ["TokenExpiresAt"] = i.TokenExpiresAt, ["PushExpiresAt"] = i.PushExpiresAt,
        ["SubscribedAccount"] = i.SubscribedAccount,
    };

    private static Integration FromRow(TableEntity e) => new(
        e.PartitionKey, e.GetInt32("Id") ?? 0, e.GetString("UserId"), e.GetInt32("TypeId") ?? 0, e.GetString("TypeSlug"),
        IntegrationStatusNames.TryParse(e.GetString("Status"), out var status) ? status : IntegrationStatus.Error, e.GetString("StatusDetail"),
        e.GetString("Settings") ?? "{}", e.GetString("CredentialsRef"), e.GetString("WebhookSecretRef"),
        e.GetString("WebhookKey"), e.GetString("RouteKey"), e.GetDateTimeOffset("CreatedAt") ?? default, e.GetDateTimeOffset("UpdatedAt") ?? default)
    {
        ETag = e.ETag.ToString(),
        RetiredCredentialsRef = e.GetString("RetiredCredentialsRef"),
        TokenExpiresAt = e.GetDateTimeOffset("TokenExpiresAt"),
        PushExpiresAt = e.GetDateTimeOffset("PushExpiresAt"),
        SubscribedAccount = e.GetString("SubscribedAccount"),
    };
}
