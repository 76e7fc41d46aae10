using BenchmarkDotNet.Attributes;
using Spheres.Core.Accounts;

namespace Spheres.Benchmarks.Accounts;

/// <summary>
/// What a login pays for the password: hashing at registration, verifying at login. An unknown
/// email verifies against a dummy hash, so it must cost what a wrong password costs (the baseline),
/// or the response time would tell an attacker which emails have accounts.
/// </summary>
[MemoryDiagnoser]
public class PasswordBenchmarks
{
    private const string Password = "correct horse battery staple";
    private const string WrongPassword = "correct horse battery stapler";

    private Passwords passwords = null!;
    private string hash = null!;

    [GlobalSetup]
    public void Setup()
    {
        passwords = new Passwords();
        hash = passwords.Hash(Password);
        if (!passwords.Verify(hash, Password) || passwords.Verify(hash, WrongPassword) || passwords.Verify(null, Password))
            throw new InvalidOperationException("Passwords does not verify as expected.");
    }

    [Benchmark]
    public string Hash() => passwords.Hash(Password);

    [Benchmark]
    public bool VerifyRightPassword() => passwords.Verify(hash, Password);

    [Benchmark(Baseline = true)]
    public bool VerifyWrongPassword() => passwords.Verify(hash, WrongPassword);

    /// <summary>The login path for an email with no account: Verify(null, password) checks against the dummy hash.</summary>
    [Benchmark]
    public bool VerifyUnknownEmail() => passwords.Verify(null, Password);
}
