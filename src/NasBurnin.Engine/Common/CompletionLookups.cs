using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Burnin;
using NasBurnin.Engine.Inventory;
using NasBurnin.Engine.Remote;
using NasBurnin.Engine.Safety;
using NasBurnin.Engine.Store;
using DriveInfo = NasBurnin.Engine.Inventory.DriveInfo;

namespace NasBurnin.Engine.Common;

/// <summary>
/// What tab completion offers, read from the store only (no SSH on Tab). Each answer comes from the
/// feature's façade; the completers only format it.
/// </summary>
public sealed class CompletionLookups
{
    private readonly BurninStore _store;

    public CompletionLookups(BurninStore store) => _store = store;

    public IReadOnlyList<HostRecord> Hosts() => new HostsFacade(_store).Matching(null);

    /// <summary>The drives present in the latest inventory (missing ones left out).</summary>
    public IReadOnlyList<DriveInfo> PresentDrives() => new InventoryFacade(_store).Drives(new DriveQuery { IncludeMissing = false });

    /// <summary>The present drives a stage may run on: all of them, or only those a destructive stage may erase now.</summary>
    public IEnumerable<DriveInfo> RunnableDrives(bool destructive)
    {
        var safety = new SafetyFacade(_store);
        return PresentDrives()
            .Where(d => !string.IsNullOrEmpty(d.Serial) && d.Id is not null)
            .Where(d => !destructive || safety.AllowsDestructive(d.Id!.Value, d.Serial, d.Role.ToString()));
    }

    public IReadOnlyList<RunRecord> Runs() => new BurninFacade(_store).Runs(new RunQuery());

    public IReadOnlyList<UserRecord> Users() => new OperatorsFacade(_store).ListUsers();

    public IReadOnlyList<string> AuditTypes() => new ConfigFacade(_store).AuditTypes();
}
