using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Spheres.Tests.Infrastructure;

/// <summary>Reads an Azurite directly, with clients of its own (not the app's): what is really stored.</summary>
public static class AzuriteContents
{
    /// <summary>
    /// Every row anywhere that belongs to the tenant: in its partition, naming it in a <c>TenantId</c> column,
    /// or carrying its id in the key (secrets are named after their tenant). As "table/partition/row".
    /// </summary>
    public static async Task<List<string>> RowsOfTenantAsync(string connectionString, string tenantId)
    {
        var service = new TableServiceClient(connectionString);
        var found = new List<string>();
        await foreach (var table in service.QueryAsync())
        {
            await foreach (var row in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                if (row.PartitionKey == tenantId || row.RowKey.Contains(tenantId, StringComparison.Ordinal)
                    || (row.TryGetValue("TenantId", out var owner) && owner as string == tenantId))
                {
                    found.Add($"{table.Name}/{row.PartitionKey}/{row.RowKey}");
                }
            }
        }
        return found;
    }

    /// <summary>Visible queue messages naming the tenant, as "queue: body", across every queue.</summary>
    /// <param name="email">Also the messages that name the tenant only by its email's index key (password-reset requests).</param>
    public static async Task<List<string>> QueueMessagesOfTenantAsync(string connectionString, string tenantId, string? email = null)
    {
        var emailKey = email is null ? null : Spheres.Core.Accounts.AccountStore.EmailKey(Spheres.Core.Accounts.AccountValidation.NormalizeEmail(email));
        var service = new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var found = new List<string>();
        await foreach (var queue in service.GetQueuesAsync())
        {
            foreach (var message in (await service.GetQueueClient(queue.Name).PeekMessagesAsync(32)).Value)
            {
                var body = message.Body.ToString();
                if (body.Contains(tenantId, StringComparison.Ordinal) || (emailKey is not null && body.Contains(emailKey, StringComparison.Ordinal)))
                    found.Add($"{queue.Name}: {body}");
            }
        }
        return found;
    }

    public static async Task<int> QueueLengthAsync(string connectionString, string queueName)
    {
        var queue = new QueueClient(connectionString, queueName);
        return (await queue.ExistsAsync()).Value ? (await queue.PeekMessagesAsync(32)).Value.Length : 0;
    }

    /// <summary>Takes the next message of a queue as the Functions host would hand it to a queue trigger (the decoded text).</summary>
    public static async Task<string?> TakeMessageAsync(string connectionString, string queueName)
    {
        var queue = new QueueClient(connectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var message = (await queue.ReceiveMessageAsync()).Value;
        if (message is null) return null;
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        return message.Body.ToString();
    }

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
