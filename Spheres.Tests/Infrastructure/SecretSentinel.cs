using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// Every credential value a test sends is registered here; every response body and every log line
/// of every test host is checked against all of them, so a leak fails the test that caused it.
/// </summary>
public static class SecretSentinel
{
    private static readonly ConcurrentDictionary<string, byte> Secrets = new();
    private static readonly ConcurrentQueue<string> Leaks = new();

    public static int ResponsesScanned;
    public static int LogLinesScanned;

    /// <summary>Registers and returns a credential value for a test to use.</summary>
    public static string Register(string value)
    {
        Secrets[value] = 0;
        return value;
    }

    public static string NewTelegramToken() => Register($"{Random.Shared.NextInt64(100_000_000, 9_999_999_999)}:AAE{Guid.NewGuid():N}{Guid.NewGuid():N}"[..46]);

    public static string NewSecret(string kind) => Register($"{kind}-SECRET-{Guid.NewGuid():N}");

    public static IReadOnlyCollection<string> LeaksFound => Leaks.ToArray();

    public static void Scan(string where, string text)
    {
        foreach (var secret in Secrets.Keys)
        {
            if (text.Contains(secret, StringComparison.Ordinal)) Leaks.Enqueue($"{where}: {secret[..6]}…");
        }
    }

    /// <summary>Wraps a test host's HTTP handler: reads every response body and scans it.</summary>
    public sealed class ResponseScanner(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Interlocked.Increment(ref ResponsesScanned);
            Scan($"{request.Method} {request.RequestUri?.AbsolutePath} response", body + string.Join("\n", response.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}")));
            Assert.True(Leaks.IsEmpty, "A credential leaked: " + string.Join("; ", Leaks));
            return response;
        }
    }

    /// <summary>A logger provider that scans every formatted log line (and exception text) of the host.</summary>
    public sealed class LogScanner : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Scanner(categoryName);

        public void Dispose() { }

        private sealed class Scanner(string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                Interlocked.Increment(ref LogLinesScanned);
                var line = formatter(state, exception) + " " + exception;
                Scan($"log {category}", line);
                // SPHERES_TEST_LOG=<file> keeps the hosts' log lines for debugging a failing test.
                if (Environment.GetEnvironmentVariable("SPHERES_TEST_LOG") is { Length: > 0 } file && logLevel >= LogLevel.Information)
                    lock (typeof(Scanner)) File.AppendAllText(file, $"{logLevel} {category}: {line}{Environment.NewLine}");
            }
        }
    }
}
