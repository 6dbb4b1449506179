using System.Management.Automation.Host;

namespace NasBurnin.Common;

/// <summary>When a prompt cannot be answered, and so the cmdlet must refuse instead of hanging.</summary>
internal static class HostPrompt
{
    /// <summary>
    /// What hosts throw when nobody can answer: pwsh -NonInteractive throws PSInvalidOperationException,
    /// hosts without a UI (the API's default host, some automation hosts) throw NotImplementedException
    /// or NotSupportedException, and a closed console an IOException.
    /// </summary>
    public static bool NobodyToAsk(Exception e) =>
        e is InvalidOperationException or NotImplementedException or NotSupportedException or HostException or IOException;
}
