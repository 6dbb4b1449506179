namespace NasBurnin.Engine.Inventory;

public static partial class ZpoolStatusParser
{
    /// <summary><c>zpool list [-v]</c>: pools at level 0 with their HEALTH, vdevs (with -v) nested below by indent.</summary>
    private static ZpoolStatus ParseList(string[] lines)
    {
        var header = lines.First(l => l.Trim().Length > 0).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var health = Array.IndexOf(header, "HEALTH");
        var pools = new List<PoolBuilder>();
        PoolBuilder? pool = null;
        var role = PoolRole.Member;
        var stack = new List<Node>();
        foreach (var line in lines.SkipWhile(l => l.Trim().Length == 0).Skip(1))
        {
            if (line.Trim().Length == 0) continue;
            var content = line.TrimStart(' ', '\t');
            var level = (line.Length - content.Length) / 2;
            var t = content.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            var state = health >= 0 && health < t.Length && t[health] != "-" ? t[health] : null;
            if (level == 0)
            {
                stack.Clear();
                if (SectionRole(t[0]) is { } r && pool is not null && state is null) { role = r; continue; }
                pool = new PoolBuilder { Name = t[0], State = state };
                pools.Add(pool);
                role = PoolRole.Member;
                continue;
            }
            if (pool is null) continue;
            if (SectionRole(t[0]) is { } sr && state is null && level == 1) { role = sr; stack.Clear(); continue; }
            pool.Attach(new Node { Name = t[0], State = state, Role = role, Level = level }, stack);
        }
        return new ZpoolStatus(pools.Select(p => p.Build()).ToList(), Array.Empty<string>());
    }
}
