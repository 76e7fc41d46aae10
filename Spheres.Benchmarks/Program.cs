using BenchmarkDotNet.Running;
using Spheres.Benchmarks;
using Spheres.Benchmarks.Http;

// `http`, `startup`, `deliveries` and `replies` drive DevHost over real sockets; any other arguments go to BenchmarkDotNet.
// Every mode takes `--smoke` (Smoke.cs); ./test.sh runs each that way.
return args.FirstOrDefault() switch
{
    "http" => await HttpThroughputMode.RunAsync(BenchOptions.Parse(args[1..])),
    "startup" => await StartupMode.RunAsync(BenchOptions.Parse(args[1..])),
    "deliveries" => await DeliveryThroughputMode.RunAsync(BenchOptions.Parse(args[1..])),
    "replies" => await RepliesThroughputMode.RunAsync(BenchOptions.Parse(args[1..])),
    "embeddings" => await Spheres.Benchmarks.Embeddings.EmbeddingsMode.RunAsync(args[1..]),
    "analytics" => await Spheres.Benchmarks.Analytics.AnalyticsMode.RunAsync(args[1..]),
    "top-questions" => await Spheres.Benchmarks.Analytics.TopQuestionsMode.RunAsync(args[1..]),
    "oauth-due" => await Spheres.Benchmarks.OAuth.OAuthDueMode.RunAsync(args[1..]),
    "csv-import" => await Spheres.Benchmarks.Reviews.CsvImportMode.RunAsync(args[1..]),
    _ => RunBenchmarkDotNet(args),
};

// `--smoke` alone: every BenchmarkDotNet benchmark once, in this process (Dry job), artifacts in a temporary folder.
// Non-zero when a benchmark failed to build, validate or run, so ./test.sh notices.
static int RunBenchmarkDotNet(string[] args)
{
    var artifacts = Smoke.In(args) ? Directory.CreateTempSubdirectory("spheres-bench-").FullName : null;
    if (artifacts is not null) args = ["--filter", "*", "--job", "Dry", "--inProcess", "--artifacts", artifacts];
    try
    {
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(HttpThroughputMode).Assembly).Run(args).ToList();
        var failed = summaries.Where(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success) || s.Reports.IsEmpty).ToList();
        return Smoke.Check("BenchmarkDotNet", failed.Count == 0 && (artifacts is null || summaries.Count > 0),
            $"{failed.Count} of {summaries.Count} benchmark classes failed: {string.Join(", ", failed.Select(s => s.Title))}");
    }
    finally
    {
        if (artifacts is not null) Directory.Delete(artifacts, recursive: true);
    }
}
