using Azure.Data.Tables;

namespace Spheres.Core.Storage;

/// <summary>Query filters whose column is a constant of ours: <see cref="TableClient.CreateQueryFilter(System.FormattableString)"/> quotes every
/// argument as a value, so a column name formatted into it compares a string with a date and matches nothing.</summary>
public static class TableFilters
{
    /// <summary>The tenant's rows whose <paramref name="column"/> is before <paramref name="cutoff"/>.</summary>
    public static string TenantRowsBefore(string tenantId, string column, DateTimeOffset cutoff)
    {
        if (column.Length == 0 || !column.All(char.IsAsciiLetterOrDigit)) throw new ArgumentException("Not a column name.", nameof(column));
        return TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and ") + column + TableClient.CreateQueryFilter($" lt {cutoff}");
    }
}
