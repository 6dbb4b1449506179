namespace NasBurnin.Bench.Inventory;

/// <summary>
/// The CPU time the sandbox hosts spend, apart from everything else on the machine: their sshd daemons go
/// into a cgroup v1 cpuacct group of their own, so every connection, shell, inventory script and shim they
/// start afterwards is counted in its <c>cpuacct.usage</c> (nanoseconds). The fleet's 8 "hosts" share this
/// machine's cores; this is how much of those cores their side of an inventory took.
/// </summary>
internal sealed class HostCpu : IDisposable
{
    private const string Root = "/sys/fs/cgroup/cpuacct";
    private readonly string _dir = Path.Combine(Root, "nb-bench-fleet-" + Environment.ProcessId);

    public HostCpu(IEnumerable<Sandbox> hosts)
    {
        Directory.CreateDirectory(_dir);
        foreach (var host in hosts)
            File.WriteAllText(Path.Combine(_dir, "cgroup.procs"), File.ReadAllText(Path.Combine(host.State, "ssh", "sshd.pid")).Trim());
    }

    /// <summary>Where the hosts' CPU nanoseconds are read (the pwsh script reads it around each call).</summary>
    public string UsageFile => Path.Combine(_dir, "cpuacct.usage");

    public static bool Available => File.Exists(Path.Combine(Root, "cpuacct.usage"));

    /// <summary>Moves whatever is left back to the root group and removes the group (rmdir; a cgroup holds no files).</summary>
    public void Dispose()
    {
        try
        {
            foreach (var pid in File.ReadAllLines(Path.Combine(_dir, "cgroup.procs")))
                try { File.WriteAllText(Path.Combine(Root, "cgroup.procs"), pid); } catch (IOException) { }
            Directory.Delete(_dir);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"could not remove the cgroup {_dir}: {e.Message}");
        }
    }
}
