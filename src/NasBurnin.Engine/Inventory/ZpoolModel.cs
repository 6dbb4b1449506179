namespace NasBurnin.Engine.Inventory;

/// <summary>
/// A node of a pool's configuration: a group (mirror-0, raidz2-1, draid…, replacing-0, spare-0) or a leaf
/// device. <see cref="Name"/> is what zpool printed: a full path with <c>-P</c>, else a bare name, a by-id
/// link, a gptid/ label or, for a device that is not present, its GUID (then <see cref="Was"/> is the path
/// it had, from "was /dev/…").
/// </summary>
public sealed record ZpoolVdev
{
    public required string Name { get; init; }
    /// <summary>mirror, raidz1, raidz2, raidz3, draid, replacing, spare, indirect, disk (a leaf).</summary>
    public required string Kind { get; init; }
    public PoolRole Role { get; init; }
    public string? State { get; init; }
    public long? ReadErrors { get; init; }
    public long? WriteErrors { get; init; }
    public long? ChecksumErrors { get; init; }
    public string? Note { get; init; }
    /// <summary>The path a device that is not present had ("was /dev/sdb1"); its <see cref="Name"/> is then its GUID.</summary>
    public string? Was { get; init; }
    public IReadOnlyList<ZpoolVdev> Children { get; init; } = Array.Empty<ZpoolVdev>();

    public bool IsLeaf => Children.Count == 0 && Kind == "disk";
}

/// <summary>
/// A leaf device of a pool, flattened with the pool, its role and the top-level group it sits in
/// (<see cref="Vdev"/>); <see cref="Parent"/> is the group right above it (spare-0 for a spare in use).
/// </summary>
public sealed record ZpoolMember(
    string Pool, string Device, PoolRole Role, string? Vdev, string? State,
    long? ReadErrors, long? WriteErrors, long? ChecksumErrors, string? Note)
{
    public string? Was { get; init; }
    public string? Parent { get; init; }
}

public sealed record ZpoolPool(string Name, string? State, string? Status, string? Errors, IReadOnlyList<ZpoolVdev> Vdevs)
{
    /// <summary>The pool GUID where known: <c>-j</c>'s pool_guid, or <c>zpool list -H -o name,guid</c> beside the text.</summary>
    public string? Guid { get; init; }

    public IEnumerable<ZpoolMember> Members => Vdevs.SelectMany(v => Leaves(v, null, null));

    private IEnumerable<ZpoolMember> Leaves(ZpoolVdev v, string? group, string? parent)
    {
        if (v.Children.Count == 0)
        {
            if (v.Kind == "disk")
                yield return new ZpoolMember(Name, v.Name, v.Role, group, v.State, v.ReadErrors, v.WriteErrors, v.ChecksumErrors, v.Note)
                    { Was = v.Was, Parent = parent };
            yield break;
        }
        foreach (var c in v.Children)
            foreach (var m in Leaves(c, group ?? v.Name, v.Name))
                yield return m;
    }
}

/// <summary>Parsed <c>zpool status</c> (text or <c>-j</c> JSON) or <c>zpool list [-v]</c>.</summary>
public sealed record ZpoolStatus(IReadOnlyList<ZpoolPool> Pools, IReadOnlyList<string> Warnings)
{
    public IEnumerable<ZpoolMember> Members => Pools.SelectMany(p => p.Members);
}
