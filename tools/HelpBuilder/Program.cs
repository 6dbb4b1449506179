using System.Text;
using HelpBuilder;

// HelpBuilder <markdown folder> <output folder> <MAML file name>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: HelpBuilder <docs/help> <out/NasBurnin/en-US> <Module.dll-Help.xml>");
    return 2;
}
var (source, target, mamlName) = (args[0], args[1], args[2]);
try
{
    Directory.CreateDirectory(target);
    var commands = new List<CommandHelp>();
    foreach (var file in Directory.GetFiles(source, "*.md").OrderBy(f => f, StringComparer.Ordinal))
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var text = File.ReadAllText(file);
        if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            File.WriteAllText(Path.Combine(target, name + ".help.txt"), AboutTopicWriter.Write(text), new UTF8Encoding(false));
        else
            commands.Add(MarkdownHelpParser.Parse(text, file));
    }
    MamlWriter.Write(commands).Save(Path.Combine(target, mamlName));
    Console.WriteLine($"HelpBuilder: {commands.Count} cmdlet pages -> {Path.Combine(target, mamlName)}");
    return 0;
}
catch (FormatException e)
{
    Console.Error.WriteLine($"error HB001: {e.Message}");
    return 1;
}
