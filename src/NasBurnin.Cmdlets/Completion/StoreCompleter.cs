using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using NasBurnin.Common;
using NasBurnin.Engine.Store;

namespace NasBurnin.Completion;

/// <summary>One value offered on Tab: what is inserted, what the list shows, and the tooltip.</summary>
public sealed record Candidate(string Text, string Name, string ToolTip);

/// <summary>
/// Base of the argument completers: candidates come from the session's store only (no SSH on Tab), are
/// matched by prefix, ASCII case-insensitive, and quoted when they need it. A store that does not exist yet
/// is not created, and a failure offers nothing: Tab never throws.
/// </summary>
public abstract class StoreCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var session = ModuleSession.Current;
            if (!File.Exists(Path.GetFullPath(session.StorePath))) return Array.Empty<CompletionResult>();
            var prefix = wordToComplete.Trim('\'', '"');
            return Candidates(session.GetStore(), fakeBoundParameters)
                .Where(c => c.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(c => new CompletionResult(Quote(c.Text), c.Name, CompletionResultType.ParameterValue, c.ToolTip))
                .ToList();
        }
#pragma warning disable CA1031 // a completer must not throw into the user's prompt
        catch (Exception)
#pragma warning restore CA1031
        {
            return Array.Empty<CompletionResult>();
        }
    }

    private protected abstract IEnumerable<Candidate> Candidates(BurninStore store, IDictionary boundParameters);

    /// <summary>Single quotes when the text would not parse as one bare word.</summary>
    private static string Quote(string text) =>
        text.Length > 0 && text.StartsWith('(') || text.All(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_' or ':')
            ? text
            : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
