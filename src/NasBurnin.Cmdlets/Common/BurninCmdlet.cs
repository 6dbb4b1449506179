using System.Management.Automation;
using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Common;

/// <summary>
/// Base for NasBurnin cmdlets: the session's store, a cancellation token tied to Ctrl+C, and error
/// helpers. Cmdlets stay thin: bind, validate, confirm, call the engine, write objects.
/// </summary>
public abstract partial class BurninCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing).</summary>
    internal CancellationToken Cancellation => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>The session's store; a store that cannot be opened is a terminating error.</summary>
    internal BurninStore Store
    {
        get
        {
            try
            {
                return Session.GetStore();
            }
            catch (BurninException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
                throw; // not reached
            }
        }
    }

    /// <summary>The store's settings (<see cref="ConfigFacade"/>); a store that cannot be read is a terminating error naming it.</summary>
    internal BurninSettings ReadSettings()
    {
        var store = Store;
        return Terminating(() => new ConfigFacade(store).Settings(), store.Path);
    }

    /// <summary>Runs an engine call; a failure becomes a terminating error with the item as target.</summary>
    internal T Terminating<T>(Func<T> call, object? target = null)
    {
        try
        {
            return call();
        }
        catch (BurninException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e, target));
            throw; // not reached
        }
    }

    /// <summary>Runs an engine call for one item; a failure is written as a non-terminating error for that item.</summary>
    internal bool PerItem(Action call, object? target)
    {
        try
        {
            call();
            return true;
        }
        catch (BurninException e)
        {
            WriteError(ErrorRecords.From(e, target));
            return false;
        }
    }

    /// <summary>
    /// The gate every destructive cmdlet calls, before ShouldProcess and before it changes anything.
    /// Returns who acts, to record on runs, stages and audit events: the OS user while the store has no
    /// users, else the signed-in operator. When the store has users and nobody is signed in (or the
    /// signed-in user was since disabled or removed) it stops the cmdlet with the terminating error
    /// OperatorSignInRequired, whose message names Connect-BurninOperator.
    /// </summary>
    internal Actor RequireOperator()
    {
        var store = Store;
        return Terminating(() => OperatorGate.RequireOperator(store, Session.SignedInOperator, Actor.CurrentSource()));
    }

    /// <summary>
    /// The gate for user administration: a signed-in, enabled admin (else OperatorSignInRequired or
    /// AdminRequired, terminating). While the users table is empty the OS user passes, with
    /// <see cref="GateResult.FirstUserSetup"/> set, so the first admin can be created.
    /// </summary>
    internal GateResult RequireAdmin(string action = "administer users")
    {
        var store = Store;
        return Terminating(() => OperatorGate.RequireAdmin(store, Session.SignedInOperator, Actor.CurrentSource(), action));
    }

    /// <summary>True under -WhatIf (or $WhatIfPreference): nothing may change, not even the audit trail.</summary>
    internal bool IsWhatIf => OnPipeline(() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? ((SwitchParameter)w).IsPresent
            : SessionState.PSVariable.GetValue("WhatIfPreference") is { } pref && LanguagePrimitives.IsTrue(pref));

    /// <summary>Resolves a user-supplied path (relative to the current PowerShell location, ~ allowed) to a file system path.</summary>
    protected string ResolveFilePath(string path) => OnPipeline(() => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
}
