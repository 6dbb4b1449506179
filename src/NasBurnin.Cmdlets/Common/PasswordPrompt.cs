using System.Management.Automation;
using System.Security;

namespace NasBurnin.Common;

/// <summary>
/// Reads passwords from the host as SecureStrings. When nobody can answer (pwsh -NonInteractive, a
/// scheduled task, a host without a UI) it stops the cmdlet with PasswordPromptUnavailable instead of
/// hanging, and tells how to pass the password as a parameter. Nothing is written before that
/// decision: see <see cref="HostPrompt"/>.
/// </summary>
internal static class PasswordPrompt
{
    /// <summary>One password, for example the current one.</summary>
    public static SecureString Read(PSCmdlet cmdlet, string prompt, string parameterName)
    {
        var answer = HostPrompt.AskSecret(cmdlet, prompt);
        if (answer is null)
            cmdlet.ThrowTerminatingError(ErrorRecords.Create("PasswordPromptUnavailable", ErrorCategory.InvalidOperation,
                $"A password is needed and this session cannot prompt for one (it is not interactive). Pass it with -{parameterName} as a SecureString, for example -{parameterName} (Read-Host -AsSecureString) in an interactive session.",
                parameterName));
        return answer!;
    }

    /// <summary>A new password, asked twice; a mismatch stops the cmdlet with PasswordMismatch.</summary>
    public static SecureString ReadNew(PSCmdlet cmdlet, string userName, string parameterName)
    {
        var first = Read(cmdlet, $"New password for '{userName}'", parameterName);
        using var second = Read(cmdlet, $"Type the new password for '{userName}' again", parameterName);
        if (!SecretChars.AreEqual(first, second))
        {
            first.Dispose();
            cmdlet.ThrowTerminatingError(ErrorRecords.Create("PasswordMismatch", ErrorCategory.InvalidArgument,
                $"The two new passwords typed for '{userName}' differ. Nothing was changed; run the command again.", userName));
        }
        return first;
    }
}
