using System.Text;
using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Engine.Tests.Auth;

internal sealed class TestClock : IClock
{
    public DateTimeOffset UtcNow { get; set; } = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    public void Advance(TimeSpan by) => UtcNow += by;
}

/// <summary>
/// bcrypt at the minimum work factor (4) so engine tests stay fast, counting every call and every
/// check against the dummy hash. The work factor 12 of the real hasher is tested on its own.
/// </summary>
internal sealed class CountingHasher : IPasswordHasher
{
    private const int TestWorkFactor = 4;

    public CountingHasher() => DummyHash = BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString(), TestWorkFactor);

    public int Hashes { get; private set; }
    public int Verifies { get; private set; }
    public int DummyVerifies { get; private set; }
    public string DummyHash { get; }

    public string Hash(ReadOnlySpan<char> password)
    {
        Hashes++;
        return BCrypt.Net.BCrypt.HashPassword(new string(password), TestWorkFactor);
    }

    public bool Verify(ReadOnlySpan<char> password, string hash)
    {
        Verifies++;
        if (hash == DummyHash) DummyVerifies++;
        return BCrypt.Net.BCrypt.Verify(new string(password), hash);
    }
}

/// <summary>A fresh store in a temp folder with a settable clock; Dispose removes it.</summary>
internal sealed class AuthFixture : IDisposable
{
    public AuthFixture()
    {
        Dir = TestPaths.Temp();
        StorePath = Path.Combine(Dir, "burnin.db");
        Store = BurninStore.Open(StorePath, Clock);
    }

    public string Dir { get; }
    public string StorePath { get; }
    public TestClock Clock { get; } = new();
    public CountingHasher Hasher { get; } = new();
    public BurninStore Store { get; }
    public UserRepository Users => new(Store, Hasher);
    public LoginService Login => new(Store, Hasher);
    public AuditLog Audit => new(Store);

    public static readonly Actor Os = new("root", "local:box\\root");

    public UserRecord CreateUser(string name, string password, bool admin = false) =>
        Users.Create(name, null, admin, password, Os, firstUserSetup: !Users.AnyUsers());

    /// <summary>True when any file of the store (database, WAL, shared memory) holds the text, in UTF-8 or UTF-16.</summary>
    public bool StoreFilesContain(string text)
    {
        foreach (var f in Directory.GetFiles(Dir))
        {
            var bytes = File.ReadAllBytes(f);
            if (bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0)
                return true;
        }
        return false;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
