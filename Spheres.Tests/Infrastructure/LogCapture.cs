using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// Keeps every formatted log line (with its exception text) of the hosts it is added to, for tests that check what the logs
/// do not say about values only known after the fact (a reset token read from a mail). Add with <see cref="AddTo"/>.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public void AddTo(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(this);

    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    public void Dispose() { }

    private sealed class Collector(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
