using System.Globalization;

namespace Spheres.Benchmarks.Http;

/// <summary>
/// Options of the http and startup modes: <c>--seconds 10 --warmup 5 --connections 32 --rounds 2 --launches 5</c>,
/// to see what DevHost's request logging costs, <c>--devhost-log-level Warning</c> (Logging:LogLevel:Default),
/// <c>--wrk</c> to measure both targets with wrk as well, when it is installed, and for the deliveries mode
/// <c>--tenants 8</c> to spread the deliveries over several tenants; for the replies mode <c>--messages 1000</c> per phase.
/// <c>--azurite-keyed-lookups</c> makes the deliveries mode's Azurite find entities by key (Spheres.Testing/azurite-keyed-lookups.js).
/// <c>--smoke</c> (<see cref="Smoke"/>): 1 s phases, 2 connections, one round, one launch, 20 messages, options after it still apply.
/// </summary>
public sealed record BenchOptions(int Seconds, int WarmupSeconds, int Connections, int Rounds, int Launches, string? DevHostLogLevel, bool Wrk, int Tenants = 1, int Messages = 1000)
{
    public bool IsSmoke { get; init; }

    public bool AzuriteKeyedLookups { get; init; }

    private static readonly string[] LogLevels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"];

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(Seconds: 10, WarmupSeconds: 5, Connections: 32, Rounds: 2, Launches: 5, DevHostLogLevel: null, Wrk: false);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] == Smoke.Flag)
            {
                options = options with { IsSmoke = true, Seconds = 1, WarmupSeconds = 1, Connections = 2, Rounds = 1, Launches = 1, Messages = 20 };
                i--;
                continue;
            }
            if (args[i] == "--wrk")
            {
                options = options with { Wrk = true };
                i--;
                continue;
            }
            if (args[i] == "--azurite-keyed-lookups")
            {
                options = options with { AzuriteKeyedLookups = true };
                i--;
                continue;
            }
            if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value.");
            var text = args[i + 1];
            if (args[i] == "--devhost-log-level")
            {
                options = LogLevels.Contains(text) ? options with { DevHostLogLevel = text }
                    : throw new ArgumentException($"--devhost-log-level takes one of {string.Join(", ", LogLevels)}.");
                continue;
            }
            var value = int.Parse(text, CultureInfo.InvariantCulture);
            if (value < 1 || value > 10_000) throw new ArgumentOutOfRangeException(args[i], value, "Give a value from 1 to 10000.");
            options = args[i] switch
            {
                "--seconds" => options with { Seconds = value },
                "--warmup" => options with { WarmupSeconds = value },
                "--connections" => options with { Connections = value },
                "--rounds" => options with { Rounds = value },
                "--tenants" => options with { Tenants = value },
                "--messages" => options with { Messages = value },
                "--launches" => options with { Launches = value },
                _ => throw new ArgumentException(
                    $"Unknown option {args[i]}; known: --seconds --warmup --connections --rounds --tenants --messages --launches --devhost-log-level --wrk --azurite-keyed-lookups --smoke."),
            };
        }
        return options;
    }
}
