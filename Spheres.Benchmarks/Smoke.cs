namespace Spheres.Benchmarks;

/// <summary>
/// <c>--smoke</c>, which every mode takes and <c>./test.sh</c> runs: tiny sizes, one round, seconds in all, then a check that
/// the mode did its work (requests answered, rows counted, mails found). A mode that can no longer run fails the suite
/// instead of rotting until someone wants its figure. Nothing about time is checked.
/// </summary>
public static class Smoke
{
    public const string Flag = "--smoke";

    public static bool In(string[] args) => args.Contains(Flag);

    /// <summary>0 when <paramref name="held"/>, else 1 with what did not hold on stderr: the mode's exit code.</summary>
    public static int Check(string mode, bool held, string what)
    {
        if (held) return 0;
        Console.Error.WriteLine($"{mode}: {what}");
        return 1;
    }
}
