using System.Text.RegularExpressions;
using NasBurnin.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace NasBurnin.Tests;

/// <summary>
/// Export-BurninReport through the module, opened in a real headless browser (Debian's chromium) served from a
/// loopback server: the certificate and the fleet page show the serial, the verdict and the chart, escape what
/// drives report, and load nothing but themselves.
/// </summary>
public sealed class ReportTests
{
    private readonly ITestOutputHelper _out;

    public ReportTests(ITestOutputHelper output) => _out = output;

    private static bool Ready(ITestOutputHelper o)
    {
        if (!Sqlite3.Available) { o.WriteLine("skipped: these tests fill the store with sqlite3 (apt-get install sqlite3)"); return false; }
        return true;
    }

    private static PsSession Seeded(TempDir dir)
    {
        var s = new PsSession(storePath: dir.File("burnin.db"));
        ReportSeed.Fill(dir.File("burnin.db"), dir.Path);
        return s;
    }

    /// <summary>Every element that could load something (src, href, srcset, poster, data, xlink:href, url() in a style).</summary>
    private static readonly Regex Loader = new(@"<[A-Za-z][^<>]*\s(src|href|srcset|poster|data|xlink:href|action)\s*=|url\(", RegexOptions.IgnoreCase);

    /// <summary>
    /// Serves the folder on loopback, lets chromium load <paramref name="file"/>, and returns its DOM and every
    /// request the server saw.
    /// </summary>
    private static (string Dom, IReadOnlyList<ReceivedRequest> Requests) Browse(string folder, string file, string? screenshot = null)
    {
        using var http = new LoopbackHttp(folder);
        var dom = Chromium.DumpDom(http.Url + file);
        if (screenshot is not null) Chromium.Screenshot(http.Url + file, screenshot);
        Thread.Sleep(200); // a late subresource request would still be recorded
        return (dom, http.Requests);
    }

    [SkippableFact]
    public void The_request_check_sees_a_page_that_loads_something()
    {
        // The control for the tests below: a page with an image makes the browser ask the server for it, so
        // "only the report was requested" is something the check can find false.
        Skip.If(!Chromium.Available, Chromium.Unavailable);
        using var dir = new TempDir();
        File.WriteAllText(dir.File("control.html"), "<!DOCTYPE html><html><body><p>control</p><img src=\"/probe.png\"></body></html>");
        var (_, requests) = Browse(dir.Path, "control.html");
        Assert.Contains(requests, r => r.Path == "/probe.png");
    }

    [SkippableFact]
    public void The_certificate_shows_identity_verdict_stages_smart_changes_and_chart_escaped_and_loads_nothing()
    {
        Skip.If(!Ready(_out) || !Chromium.Available, Chromium.Unavailable);
        using var dir = new TempDir();
        using var s = Seeded(dir);
        var file = s.Run($"Export-BurninReport -RunId {ReportSeed.FailedRunId} -Path '{PsSession.Quote(dir.File("cert.html"))}' -PassThru").AssertClean().Single<FileInfo>();
        Assert.Equal(dir.File("cert.html"), file.FullName);
        var html = File.ReadAllText(file.FullName);

        // Escaped by the template engine: the hostile strings are text, never markup.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>'x'", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Content-Security-Policy", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(Loader, html);

        var png = dir.File("cert.png");
        var (dom, requests) = Browse(dir.Path, "cert.html", png);
        Assert.Equal(new[] { "/cert.html" }, requests.Select(r => r.Path).Distinct());
        Assert.True(new FileInfo(png).Length > 20_000, "the screenshot is empty");
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase); // the browser made no element of it
        Assert.Contains("WD-&lt;b&gt;'x'\"q\"", dom, StringComparison.Ordinal);       // and shows it as the drive said it
        Assert.Contains("WDC &lt;script&gt;alert(\"m\")&lt;/script&gt;", dom, StringComparison.Ordinal);
        Assert.Matches(@"class=""verdict""[^>]*>Fail<", dom);
        Assert.Matches(@"<svg id=""temperature-chart-1""[^>]*>", dom);
        Assert.Matches(@"<polyline class=""max"" points=""[0-9., ]{40,}""", dom);
        Assert.Contains("SurfaceValidate", dom, StringComparison.Ordinal);
        Assert.Matches(@"<tr class=""changed""[^>]*><td[^>]*>5</td><td[^>]*>Reallocated_Sector_Ct</td>.*\+8<", dom);
        Assert.Contains("reallocated sectors grew from 0 to 8 &lt;img src=x&gt;", dom, StringComparison.Ordinal);
        Assert.Contains("nas&lt;i&gt;01", dom, StringComparison.Ordinal);
        Assert.Contains("alice", dom, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_fleet_page_lists_finished_runs_attention_and_the_banner_refreshes_and_loads_nothing()
    {
        Skip.If(!Ready(_out) || !Chromium.Available, Chromium.Unavailable);
        using var dir = new TempDir();
        using var s = Seeded(dir);
        var path = dir.File("status.html");
        File.WriteAllText(path, "old page");
        var file = s.Run($"Export-BurninReport -Fleet -Since ([DateTime]::Now.AddDays(-1)) -RefreshSeconds 60 -Path '{PsSession.Quote(path)}' -PassThru").AssertClean().Single<FileInfo>();
        Assert.Equal(path, file.FullName);
        Assert.Equal(new[] { "status.html" }, Directory.GetFiles(dir.Path, "*.html").Select(Path.GetFileName)); // replaced, no temporary file left
        var html = File.ReadAllText(path);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"60\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(Loader, html);

        var (dom, requests) = Browse(dir.Path, "status.html", dir.File("status.png"));
        Assert.Equal(new[] { "/status.html" }, requests.Select(r => r.Path).Distinct());
        Assert.Matches(@"<div id=""banner""[^>]*>[\s\S]*Stale drive ZSTALE \(ST4000\)[\s\S]*unlocked by bob", dom);
        Assert.Contains("carol set a health-rule override: Reallocated for model &lt;ST4000&gt;", dom, StringComparison.Ordinal);
        Assert.Matches(@"<div id=""finished""[\s\S]*WD-&lt;b&gt;'x'""q""[\s\S]*class=""result""[^>]*>Fail<", dom);
        Assert.Matches(@"<div id=""attention""[\s\S]*ZSTALE[\s\S]*Stale: old filesystem", dom);
        Assert.Contains("SMART health Failed", dom, StringComparison.Ordinal);

        // Older than the period: the run is not listed as finished in it.
        s.Run($"Export-BurninReport -Since ([DateTime]::Now.AddMinutes(-1)) -Path '{PsSession.Quote(path)}'").AssertClean();
        Assert.Contains("No run finished in this period.", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIf_writes_nothing_and_a_missing_run_or_folder_is_a_clear_error()
    {
        using var dir = new TempDir();
        using var s = new PsSession(storePath: dir.File("burnin.db"));
        s.Run($"Export-BurninReport -Path '{PsSession.Quote(dir.File("x.html"))}' -WhatIf").AssertClean();
        Assert.False(File.Exists(dir.File("x.html")));

        var e = s.RunTerminating($"Export-BurninReport -RunId 424242 -Path '{PsSession.Quote(dir.File("x.html"))}'");
        Assert.Equal("RunNotFound", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("424242", e.Exception.Message, StringComparison.Ordinal);

        e = s.RunTerminating($"Export-BurninReport -Path '{PsSession.Quote(Path.Combine(dir.Path, "no-such-folder", "x.html"))}'");
        Assert.Equal("ReportFolderNotFound", e.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("no-such-folder", e.Exception.Message, StringComparison.Ordinal);
    }
}
