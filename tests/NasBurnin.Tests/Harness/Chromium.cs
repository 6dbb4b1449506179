namespace NasBurnin.Tests.Harness;

/// <summary>
/// Debian's chromium, headless, for looking at the reports as a person would: a DOM dump and a screenshot.
/// Each call gets its own temporary profile; background networking, updates and sync are off.
/// </summary>
public static class Chromium
{
    public const string Binary = "/usr/bin/chromium";

    public static bool Available => File.Exists(Binary);

    public static string Unavailable => "skipped: the report tests need Debian's chromium (apt-get install chromium)";

    private static ChildProcess.Result Run(string url, params string[] extra)
    {
        using var profile = new TempDir();
        var args = new List<string>
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-default-apps", "--user-data-dir=" + profile.Path,
        };
        args.AddRange(extra);
        args.Add(url);
        return ChildProcess.Run(Binary, args, TimeSpan.FromMinutes(2));
    }

    /// <summary>The DOM after the page loaded (what a reader sees, scripts or not).</summary>
    public static string DumpDom(string url)
    {
        var r = Run(url, "--dump-dom");
        if (r.ExitCode != 0 || !r.StdOut.Contains("<html", StringComparison.OrdinalIgnoreCase))
            throw new Xunit.Sdk.XunitException($"chromium --dump-dom {url} failed ({r.ExitCode}): {r.StdErr}");
        return r.StdOut;
    }

    /// <summary>A PNG of the page at 1200 px wide.</summary>
    public static void Screenshot(string url, string png)
    {
        var r = Run(url, "--window-size=1200,1600", "--hide-scrollbars", "--screenshot=" + png);
        if (!File.Exists(png))
            throw new Xunit.Sdk.XunitException($"chromium --screenshot {url} made no file ({r.ExitCode}): {r.StdErr}");
    }
}
