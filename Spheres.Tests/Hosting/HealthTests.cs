using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>GET /api/health/ as the platform's health probe sees it: 200 while storage answers, 503 with Retry-After when not.</summary>
public sealed class HealthTests
{
    [Theory]
    [InlineData("/api/health/")]
    [InlineData("/api/health")]
    public async Task With_storage_up_health_is_200_ok_without_credentials(string path)
    {
        await using var host = await TestHost.StartSharedAsync();

        var response = await host.Client.GetAsync(path);

        var body = await response.JsonAsync();
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task With_azurite_stopped_health_is_a_503_that_names_no_detail_and_200_again_once_it_is_back()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await TestHost.StartAsync(azurite.ConnectionString, services: s => s.AddSingleton<TimeProvider>(clock));
        await (await host.Client.GetAsync("/api/health/")).JsonAsync();

        await azurite.StopAsync();
        clock.Advance(StorageHealth.CacheFor); // past the shared answer of the last probe
        var down = await host.Client.GetAsync("/api/health/");

        var problem = await down.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.EndsWith("/storage-unavailable", problem.GetProperty("type").GetString());
        Assert.NotNull(down.Headers.RetryAfter);
        var text = problem.GetRawText();
        foreach (var detail in new[] { "Exception", "127.0.0.1", "devstoreaccount1", "refused", "table", "queue", "AccountKey" })
        {
            Assert.DoesNotContain(detail, text, StringComparison.OrdinalIgnoreCase);
        }

        await azurite.RestartAsync();
        clock.Advance(StorageHealth.CacheFor);
        await (await host.Client.GetAsync("/api/health/")).JsonAsync();
    }

    [Fact]
    public async Task Storage_that_accepts_connections_and_never_answers_is_a_503_not_a_hung_probe()
    {
        // Both services "answer" the TCP handshake and then say nothing; the clients' own network timeout is 10 minutes,
        // longer than the test client waits (100 s): only the check's own bound gets an answer back.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(backlog: 64);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { held.Add(await silent.AcceptTcpClientAsync(stop.Token)); }
                catch (OperationCanceledException) { return; }
            }
        });
        var connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Convert.ToBase64String(new byte[64]) + ";" +
                         $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;" +
                         $"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        await using (var host = await TestHost.StartAsync(connection,
                         services: s => s.AddSingleton(new StorageClientSettings { MaxRetries = 0, NetworkTimeout = TimeSpan.FromMinutes(10) })))
        {
            var response = await host.Client.GetAsync("/api/health/");

            await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(response.Headers.RetryAfter);
        }
        await stop.CancelAsync();
        await accepting;
        foreach (var client in held) client.Dispose();
    }
}
