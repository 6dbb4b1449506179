using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace NasBurnin.Common;

/// <summary>
/// When a prompt cannot be answered, and so the cmdlet must refuse instead of hanging.
/// Every question goes through one host call (PromptForChoice or Prompt, never Write followed by a
/// read): the host decides whether anybody can answer before it writes a word, so pwsh
/// -NonInteractive refuses without a prompt nobody will read showing up in a scheduled task's log.
/// </summary>
internal static class HostPrompt
{
    /// <summary>
    /// What hosts throw when nobody can answer: pwsh -NonInteractive throws PSInvalidOperationException,
    /// hosts without a UI (the API's default host, some automation hosts) throw NotImplementedException
    /// or NotSupportedException, and a closed console an IOException.
    /// </summary>
    public static bool NobodyToAsk(Exception e) =>
        e is InvalidOperationException or NotImplementedException or NotSupportedException or HostException or IOException;

    /// <summary>
    /// Asks for one secret, shown as "<paramref name="label"/>: " with the typing masked. Null when nobody
    /// can answer (or the host gave no answer).
    /// </summary>
    public static SecureString? AskSecret(PSCmdlet cmdlet, string label) => AskSecret(cmdlet.Host?.UI, label);

    /// <inheritdoc cref="AskSecret(PSCmdlet, string)"/>
    public static SecureString? AskSecret(PSHostUserInterface? ui, string label)
    {
        if (ui is null) return null;
        var field = new FieldDescription(label);
        field.SetParameterType(typeof(SecureString));
        try
        {
            var answers = ui.Prompt("", "", new Collection<FieldDescription> { field });
            return answers is not null && answers.TryGetValue(label, out var value) ? value?.BaseObject as SecureString : null;
        }
        catch (Exception e) when (NobodyToAsk(e))
        {
            return null;
        }
    }
}
