using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace NasBurnin.Tests.Harness;

/// <summary>
/// A PSHost for tests: answers prompts from a queue and records every prompt, warning and progress
/// record. With the queue empty it refuses like `pwsh -NonInteractive`, so a test proves that a
/// scheduled task would fail closed instead of hanging.
/// </summary>
public sealed class ScriptedHost : PSHost
{
    private readonly ScriptedHostUI _ui = new();
    private readonly Guid _id = Guid.NewGuid();

    public override string Name => "NasBurnin.Tests.ScriptedHost";
    public override Version Version => new(1, 0);
    public override Guid InstanceId => _id;
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    /// <summary>Answers consumed in order: a string (ReadLine, Prompt field, choice label), an int (choice index),
    /// a PSCredential, or a SecureString.</summary>
    public Queue<object> Answers => _ui.Answers;
    public List<string> Prompts => _ui.Prompts;
    public List<string> Warnings => _ui.Warnings;
    public List<ProgressRecord> Progress => _ui.Progress;
    /// <summary>Everything written to the host (Write/WriteLine), for example -WhatIf's "What if:" lines.</summary>
    public List<string> Text => _ui.Text;

    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
}

internal sealed class ScriptedHostUI : PSHostUserInterface
{
    private readonly object _gate = new();
    public Queue<object> Answers { get; } = new();
    public List<string> Prompts { get; } = new();
    public List<string> Warnings { get; } = new();
    public List<ProgressRecord> Progress { get; } = new();
    public List<string> Text { get; } = new();

    public override PSHostRawUserInterface RawUI { get; } = new ScriptedRawUI();

    private object Next(string prompt)
    {
        lock (_gate)
        {
            Prompts.Add(prompt);
            if (Answers.Count == 0)
                throw new PSInvalidOperationException(
                    "PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.");
            return Answers.Dequeue();
        }
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        var result = new Dictionary<string, PSObject>();
        foreach (var d in descriptions)
        {
            var answer = Next($"{caption}|{message}|{d.Name}");
            // Like pwsh's console host: a SecureString field is read masked and answered as a SecureString.
            if (d.ParameterTypeFullName == typeof(SecureString).FullName && answer is not SecureString)
                answer = ToSecure(answer.ToString()!);
            result[d.Name] = PSObject.AsPSObject(answer);
        }
        return result;
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        var answer = Next($"{caption}|{message}");
        if (answer is int index) return index;
        var label = answer.ToString()!;
        for (var i = 0; i < choices.Count; i++)
        {
            var c = choices[i].Label.Replace("&", "", StringComparison.Ordinal);
            if (string.Equals(c, label, StringComparison.OrdinalIgnoreCase) || (label.Length == 1 && c.StartsWith(label, StringComparison.OrdinalIgnoreCase)))
                return i;
        }
        throw new InvalidOperationException($"No choice labelled '{label}' in: {string.Join(", ", choices.Select(c => c.Label))}");
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        (PSCredential)Next($"{caption}|{message}|credential:{userName}");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
        PromptForCredential(caption, message, userName, targetName);

    public override string ReadLine() => Next("ReadLine").ToString()!;

    public override SecureString ReadLineAsSecureString()
    {
        var answer = Next("ReadLineAsSecureString");
        return answer as SecureString ?? ToSecure(answer.ToString()!);
    }

    private static SecureString ToSecure(string text)
    {
        var secure = new SecureString();
        foreach (var ch in text) secure.AppendChar(ch);
        secure.MakeReadOnly();
        return secure;
    }

    public override void Write(string value) { lock (_gate) Text.Add(value); }
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
    public override void WriteLine(string value) => Write(value);
    public override void WriteErrorLine(string value) => Write(value);
    public override void WriteDebugLine(string message) { }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) { lock (_gate) Warnings.Add(message); }
    public override void WriteProgress(long sourceId, ProgressRecord record) { lock (_gate) Progress.Add(record); }
}

internal sealed class ScriptedRawUI : PSHostRawUserInterface
{
    public override ConsoleColor BackgroundColor { get; set; }
    public override Size BufferSize { get; set; } = new(120, 50);
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; }
    public override ConsoleColor ForegroundColor { get; set; }
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => new(120, 50);
    public override Size MaxWindowSize => new(120, 50);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get; set; } = new(120, 50);
    public override string WindowTitle { get; set; } = "";
    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
