using BenchmarkDotNet.Running;
using Spheres.Benchmarks.Http;

// `http`, `startup`, `deliveries` and `replies` drive DevHost over real sockets; any other arguments go to BenchmarkDotNet.
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

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(HttpThroughputMode).Assembly).Run(args);
    return 0;
}
