using System.Collections.ObjectModel;
using System.Management.Automation;
using NasBurnin.Completion;
using System.Management.Automation.Host;
using NasBurnin.Common;
using NasBurnin.Engine.Common;
using NasBurnin.Engine.Remote;

namespace NasBurnin.Hosts;

/// <summary>
/// Connect-BurninHost: connect to a NAS over SSH (or locally), verify or pin its host key, record it in
/// the store and keep the connection for this session. Host keys are never skipped: first contact needs
/// -AcceptHostKey, -HostKeyFingerprint or a "Yes" at the prompt (which fails closed where nobody can
/// answer); a changed key is a terminating security error. Connecting again with other settings for a
/// known host (user, key file, sudo, work folder, loop devices, a replaced key) changes that host: once
/// the store has users it needs a signed-in admin, checked before anything connects, and is audited as host_changed.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "BurninHost", DefaultParameterSetName = PasswordSet)]
[OutputType(typeof(BurninHost))]
/// <remarks>
/// Password is the default set: -Credential belongs to both the Key and the Password set, and
/// PowerShell prefers the default set among candidates even when its mandatory -KeyFilePath is missing.
/// </remarks>
public sealed class ConnectBurninHostCommand : AsyncBurninCmdlet
{
    private const string KeySet = "Key";
    private const string PasswordSet = "Password";
    private const string LocalSet = "Local";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = KeySet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PasswordSet)]
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LocalSet)]
    [Alias("ComputerName", "Host")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(HostNameCompleter))]
    public string[] HostName { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = KeySet)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = PasswordSet)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 22;

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = KeySet)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = PasswordSet)]
    [ValidateNotNullOrEmpty]
    public string? UserName { get; set; }

    /// <summary>Not from the pipeline: a piped host must not pick the login method by accident.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KeySet)]
    [ValidateNotNullOrEmpty]
    public string? KeyFilePath { get; set; }

    /// <summary>Password login (Password set) or the key file's passphrase (Key set). Never stored.</summary>
    [Parameter(ParameterSetName = KeySet)]
    [Parameter(Mandatory = true, ParameterSetName = PasswordSet)]
    [PromptedCredential]
    public PSCredential? Credential { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = LocalSet)]
    public SwitchParameter Local { get; set; }

    [Parameter(ParameterSetName = KeySet)]
    [Parameter(ParameterSetName = PasswordSet)]
    public SwitchParameter AcceptHostKey { get; set; }

    [Parameter(ParameterSetName = KeySet)]
    [Parameter(ParameterSetName = PasswordSet)]
    [ValidateNotNullOrEmpty]
    public string? HostKeyFingerprint { get; set; }

    [Parameter]
    public SwitchParameter UseSudo { get; set; }

    /// <summary>The host's own work folder (validated before anything connects); omitted keeps the stored one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? WorkDir { get; set; }

    /// <summary>Loop devices count as drives on this host (the sandbox NAS); omitted keeps the stored choice.</summary>
    [Parameter]
    public SwitchParameter IncludeLoopDevices { get; set; }

    [Parameter(ParameterSetName = KeySet)]
    [Parameter(ParameterSetName = PasswordSet)]
    [ValidateRange(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 15;

    protected override void BeginProcessing()
    {
        if (HostKeyFingerprint is not null)
            HostKeyFingerprint = Terminating(() => HostFingerprint.Normalize(HostKeyFingerprint), HostKeyFingerprint);
        if (WorkDir is not null)
            Terminating(() => RemoteNames.RequireSafePath(WorkDir, "work folder"), WorkDir);
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var names = HostName.Length > 0 ? HostName : new[] { "localhost" };
        var settings = ReadSettings();
        var hosts = new HostsFacade(Store);
        foreach (var name in names)
        {
            try
            {
                var outcome = await ConnectAsync(hosts, RemoteNames.RequireHostName(name), cancellationToken).ConfigureAwait(false);
                Session.Shells.Put(outcome.Host.Id, outcome.Shell);
                if (outcome.Verdict == HostKeyVerdict.ReplacePinned)
                    WriteWarning($"The pinned host key of {outcome.Host} was replaced by {outcome.Host.HostKeySha256}, as -HostKeyFingerprint asked.");
                WriteObject(BurninHost.From(outcome.Host, settings, connected: true));
            }
            catch (BurninException e) when (e.Kind == ErrorKind.Security)
            {
                ThrowTerminatingError(ErrorRecords.From(e, name));
            }
            catch (BurninException e)
            {
                WriteError(ErrorRecords.From(e, name));
            }
        }
    }

    private async Task<ConnectOutcome> ConnectAsync(HostsFacade hosts, string name, CancellationToken cancellationToken)
    {
        var request = BuildRequest(hosts, name);
        var actor = hosts.PlannedChanges(request).Count > 0
            ? RequireAdmin("change the settings of a known host").Actor
            : Session.Actor;
        try
        {
            return await hosts.ConnectAsync(request, actor, cancellationToken).ConfigureAwait(false);
        }
        catch (HostKeyConfirmationRequired unknown)
        {
            var (trusted, why) = OnPipeline(() => AskToTrust(name, request.Port, unknown));
            if (!trusted)
                throw HostErrors.KeyNotTrusted(name, request.Port, unknown.Fingerprint, why);
            // Connect again expecting exactly the confirmed key: a different key now is a mismatch.
            return await hosts.ConnectAsync(request with { ExpectedFingerprint = unknown.Fingerprint }, actor, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private ConnectRequest BuildRequest(HostsFacade hosts, string name)
    {
        bool? sudo = MyInvocation.BoundParameters.ContainsKey(nameof(UseSudo)) ? UseSudo.IsPresent : null;
        bool? loop = MyInvocation.BoundParameters.ContainsKey(nameof(IncludeLoopDevices)) ? IncludeLoopDevices.IsPresent : null;
        if (Local)
            return new ConnectRequest { HostName = name, Port = 0, Transport = HostTransport.Local, UseSudo = sudo, WorkDir = WorkDir, IncludeLoopDevices = loop };

        var credential = Credential is { } c && !ReferenceEquals(c, PSCredential.Empty) ? c : null;
        var keyPath = KeyFilePath is null ? null : ResolveFilePath(KeyFilePath);
        var user = UserName
            ?? (string.IsNullOrEmpty(credential?.UserName) ? null : credential!.UserName.TrimStart('\\'))
            ?? hosts.StoredUserName(name, Port)
            ?? Environment.UserName;
        return new ConnectRequest
        {
            HostName = name,
            Port = Port,
            Transport = HostTransport.Ssh,
            UserName = user,
            KeyFilePath = keyPath,
            Secret = credential?.Password,
            AcceptHostKey = AcceptHostKey,
            ExpectedFingerprint = HostKeyFingerprint,
            UseSudo = sudo,
            WorkDir = WorkDir,
            IncludeLoopDevices = loop,
            ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSeconds),
        };
    }

    /// <summary>
    /// Shows the fingerprint and asks (on the pipeline thread); whether the key is trusted, and why not. A host
    /// that cannot prompt (pwsh -NonInteractive, a scheduled task) throws, which counts as "No": fail closed, never hang.
    /// </summary>
    private (bool Trusted, string Why) AskToTrust(string name, int port, HostKeyConfirmationRequired unknown)
    {
        var choices = new Collection<ChoiceDescription>
        {
            new("&Yes", "Pin this key for the host and connect."),
            new("&No", "Refuse the key; nothing is pinned."),
        };
        var message =
            $"The authenticity of {HostErrors.Display(name, port)} cannot be established.\n" +
            $"Its {unknown.Algorithm} host key fingerprint is {unknown.Fingerprint}.\n" +
            "Compare it with the host's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on its console). Pin this key and connect?";
        try
        {
            var answer = Host.UI.PromptForChoice("Unknown host key", message, choices, 1);
            return (answer == 0, "the prompt was answered No");
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            return (false, "this is the first contact and no one could answer the prompt (non-interactive session)");
        }
    }
}
