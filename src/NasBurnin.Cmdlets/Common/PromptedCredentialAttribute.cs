using System.Management.Automation;

namespace NasBurnin.Common;

/// <summary>
/// Like PowerShell's [Credential]: a user name given to a PSCredential parameter is turned into a
/// credential by asking for the password. Unlike it, nothing is written when nobody can answer:
/// pwsh's own credential prompt prints its caption and "Password for user ...:" before it finds out
/// the session is non-interactive, which leaves a prompt nobody will read in a scheduled task's log.
/// Here the host decides first (<see cref="HostPrompt"/>), and the binding fails with a message that
/// says how to pass the credential.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class PromptedCredentialAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value is null or PSCredential) return value;
        var userName = value.ToString();
        if (string.IsNullOrWhiteSpace(userName))
            throw new ArgumentTransformationMetadataException(
                "Give a user name and password, for example -Credential (Get-Credential), or a user name to be asked for its password.");
        var password = HostPrompt.AskSecret(engineIntrinsics.Host?.UI, $"Password for user {userName}")
            ?? throw new ArgumentTransformationMetadataException(
                $"A password for '{userName}' is needed and this session cannot prompt for one (it is not interactive). " +
                "Pass a PSCredential, for example -Credential (Get-Credential) in an interactive session.");
        return new PSCredential(userName, password);
    }
}
