using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;

namespace Spheres.Core.Storage;

/// <summary>Extra pipeline policies and retry limits for the storage clients (tests count requests here).</summary>
public sealed class StorageClientSettings
{
    public List<HttpPipelinePolicy> AdditionalPolicies { get; } = [];

    /// <summary>Few, quick retries: a request waiting on storage is better answered 503 than held.</summary>
    public int MaxRetries { get; set; } = 2;

    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Where storage is (<c>AzureWebJobsStorage</c>, the setting the Functions host itself reads): a connection string locally
/// (Azurite), or, in Azure, the identity-based <c>AzureWebJobsStorage__tableServiceUri</c> / <c>__queueServiceUri</c> /
/// <c>__clientId</c> (the user-assigned identity the host uses too).
/// </summary>
public sealed class StorageOptions
{
    public string? ConnectionString { get; set; }
    public string? TableServiceUri { get; set; }
    public string? QueueServiceUri { get; set; }
    public string? ClientId { get; set; }
}

/// <summary>
/// The app's Table and Queue clients, built from the same settings the Functions host uses:
/// a connection string locally (Azurite), identity-based service URIs in Azure.
/// Tables and queues are created on first use, once per instance.
/// </summary>
public sealed class SpheresStorage
{
    private readonly TableServiceClient _tables;
    private readonly QueueServiceClient _queues;
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tableClients = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> _queueClients = new();

    public SpheresStorage(IOptions<StorageOptions> options, StorageClientSettings settings)
    {
        var tableOptions = Configure(new TableClientOptions(), settings);
        var queueOptions = Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }, settings);
        var storage = options.Value;
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            _tables = new TableServiceClient(storage.ConnectionString, tableOptions);
            _queues = new QueueServiceClient(storage.ConnectionString, queueOptions);
            return;
        }

        var tableUri = storage.TableServiceUri ?? throw MissingSetting("tableServiceUri");
        var queueUri = storage.QueueServiceUri ?? throw MissingSetting("queueServiceUri");
        var credential = AzureIdentity.Credential(storage.ClientId);
        _tables = new TableServiceClient(new Uri(tableUri), credential, tableOptions);
        _queues = new QueueServiceClient(new Uri(queueUri), credential, queueOptions);
    }

    /// <summary>Clients for one storage account by connection string (benchmarks and tools outside a host).</summary>
    public static SpheresStorage FromConnectionString(string connectionString) =>
        new(Options.Create(new StorageOptions { ConnectionString = connectionString }), new StorageClientSettings());

    public Task<TableClient> TableAsync(string name, CancellationToken cancellationToken) =>
        GetOrCreate(_tableClients, name, async () =>
        {
            var client = _tables.GetTableClient(name);
            await client.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            return client;
        });

    public Task<QueueClient> QueueAsync(string name, CancellationToken cancellationToken) =>
        GetOrCreate(_queueClients, name, async () =>
        {
            var client = _queues.GetQueueClient(name);
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return client;
        });

    /// <summary>Every table of the storage account (account erasure visits them all, including ones added later).</summary>
    public async Task<IReadOnlyList<string>> ListTableNamesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var table in _tables.QueryAsync(cancellationToken: cancellationToken).ConfigureAwait(false)) names.Add(table.Name);
        return names;
    }

    /// <summary>Every queue of the storage account, poison queues included.</summary>
    public async Task<IReadOnlyList<string>> ListQueueNamesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var queue in _queues.GetQueuesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)) names.Add(queue.Name);
        return names;
    }

    /// <summary>The first page (one name) of the table list: proof the Table service answers, creating nothing.</summary>
    public async Task ProbeTablesAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in _tables.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false)) return;
    }

    /// <summary>The first page (one name) of the queue list: proof the Queue service answers, creating nothing.</summary>
    public async Task ProbeQueuesAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in _queues.GetQueuesAsync(cancellationToken: cancellationToken).AsPages(pageSizeHint: 1).ConfigureAwait(false)) return;
    }

    private static async Task<T> GetOrCreate<T>(ConcurrentDictionary<string, Lazy<Task<T>>> cache, string name, Func<Task<T>> create)
    {
        var lazy = cache.GetOrAdd(name, _ => new Lazy<Task<T>>(create));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            // A failed creation (storage down) must not be cached: the next request tries again.
            cache.TryRemove(new KeyValuePair<string, Lazy<Task<T>>>(name, lazy));
            throw;
        }
    }

    private static T Configure<T>(T options, StorageClientSettings settings) where T : ClientOptions
    {
        options.Retry.MaxRetries = settings.MaxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = settings.NetworkTimeout;
        foreach (var policy in settings.AdditionalPolicies)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }
        return options;
    }

    private static InvalidOperationException MissingSetting(string name) =>
        new($"Storage is not configured: set {SettingNames.Storage} (a connection string) or {SettingNames.Storage}__{name}.");
}
