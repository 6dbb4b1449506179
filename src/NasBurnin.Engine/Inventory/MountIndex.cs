namespace NasBurnin.Engine.Inventory;

/// <summary>
/// Mount targets by kernel name: lsblk's own mountpoints, findmnt's sources (by name, else by MAJ:MIN), active
/// swap ("[SWAP]"), and the mountpoint of a multi-device btrfs for all its members (lsblk shows it on one only).
/// </summary>
internal static class MountIndex
{
    public static IReadOnlyDictionary<string, SortedSet<string>> Build(BlockState state, DeviceResolver resolver)
    {
        var mountsOf = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Add(string kname, string target)
        {
            if (!mountsOf.TryGetValue(kname, out var set)) mountsOf[kname] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(target);
        }
        foreach (var d in state.Lsblk.All)
            foreach (var mp in d.Mountpoints)
                Add(d.KernelName, mp);
        foreach (var m in (state.Mounts?.Mounts ?? Array.Empty<MountEntry>()).Where(m => m.SourceDevice.StartsWith('/'))) // not tmpfs, proc, ZFS datasets
        {
            var targets = resolver.Resolve(m.SourceDevice);
            if (targets.Count == 0) targets = resolver.ByMajMin(m.MajMin);
            foreach (var k in targets) Add(k, m.Target);
        }
        foreach (var swap in state.Swaps)
            foreach (var k in resolver.Resolve(swap))
                Add(k, "[SWAP]");

        var all = state.Lsblk.All.ToList();
        var mountedBtrfs = all.Where(d => d.FsType == "btrfs" && d.Uuid is not null && mountsOf.ContainsKey(d.KernelName))
            .GroupBy(d => d.Uuid!).ToDictionary(g => g.Key, g => mountsOf[g.First().KernelName]);
        foreach (var d in all.Where(d => d.FsType == "btrfs" && d.Uuid is not null && mountedBtrfs.ContainsKey(d.Uuid!)))
            foreach (var mp in mountedBtrfs[d.Uuid!].ToList())
                Add(d.KernelName, mp);
        return mountsOf;
    }
}
