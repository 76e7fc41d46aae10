using System.Text.RegularExpressions;

namespace Spheres.Tests.Architecture;

/// <summary>
/// Every mode of Spheres.Benchmarks has a smoke run in ./test.sh, so a mode that can no longer run (a setup that a change
/// broke, as the deliveries mode's fake Graph once was) fails the suite instead of rotting until someone wants its figure.
/// </summary>
public sealed partial class BenchmarkSmokeTests
{
    [Fact]
    public void Test_sh_smoke_runs_every_mode_of_the_benchmark_program()
    {
        var program = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Spheres.Benchmarks", "Program.cs"));
        var testSh = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "test.sh"));

        var modes = Mode().Matches(program).Select(m => m.Groups[1].Value).ToList();
        var smoked = SmokeList().Match(testSh);

        Assert.True(modes.Count >= 9, $"only {modes.Count} modes found in Program.cs");
        Assert.True(smoked.Success, "test.sh has no `for mode in …` smoke loop");
        var listed = smoked.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(modes.Order(), listed.Where(m => m != "micro").Order());
        Assert.Contains("micro", listed); // the BenchmarkDotNet benchmarks (any other arguments of Program.cs)
        Assert.Contains("--smoke", testSh[smoked.Index..], StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s*""([a-z-]+)"" => ", RegexOptions.Multiline)]
    private static partial Regex Mode();

    [GeneratedRegex(@"for mode in ([a-z\- ]+); do")]
    private static partial Regex SmokeList();
}
