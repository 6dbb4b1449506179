using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using HandlebarsDotNet;

namespace NasBurnin.Engine.Reports;

/// <summary>
/// Renders the report templates with Handlebars.Net. Every <c>{{value}}</c> is HTML-escaped by the engine (the
/// templates use no triple-stash), with .NET's HtmlEncoder, which also escapes quotes and apostrophes, so a
/// serial, model, pool or host name from a device can never become markup. The templates hold no logic: the
/// view models arrive formatted.
/// </summary>
internal static class HtmlRenderer
{
    /// <summary>
    /// No script, no external anything: styles are inline attributes, the chart inline SVG, images only data:.
    /// The page works with all of it blocked; this is belt and braces should a value ever slip through.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Lazy<IHandlebars> Engine = new(Create);
    private static readonly Lazy<HandlebarsTemplate<object, object>> CertificatePage = new(() => Engine.Value.Compile(Template("certificates.hbs")));
    private static readonly Lazy<HandlebarsTemplate<object, object>> FleetPage = new(() => Engine.Value.Compile(Template("fleet.hbs")));
    private static readonly Lazy<HandlebarsTemplate<object, object>> MessagePage = new(() => Engine.Value.Compile(Template("message.hbs")));

    public static string Certificates(IReadOnlyList<Certificate> certificates, string generatedAt) =>
        CertificatePage.Value(new
        {
            Title = certificates.Count == 1 ? $"Burn-in certificate: {certificates[0].Serial}" : $"Burn-in certificates ({certificates.Count})",
            Refresh = (int?)null,
            Csp = ContentSecurityPolicy,
            GeneratedAt = generatedAt,
            Certificates = certificates,
            s = ReportStyles.All,
        });

    public static string Fleet(FleetStatus fleet, int? refreshSeconds, string title) =>
        FleetPage.Value(new
        {
            Title = title,
            Refresh = refreshSeconds,
            Csp = ContentSecurityPolicy,
            Fleet = fleet,
            s = ReportStyles.All,
        });

    /// <summary>The HTML part of a notification mail.</summary>
    public static string Message(string title, string? detail, IReadOnlyList<(string Key, string Value)> facts) =>
        MessagePage.Value(new
        {
            Title = title,
            Refresh = (int?)null,
            Csp = ContentSecurityPolicy,
            Lines = (detail ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Facts = facts.Select(f => new { f.Key, f.Value }).ToList(),
            s = ReportStyles.All,
        });

    private static IHandlebars Create()
    {
        var h = Handlebars.Create(new HandlebarsConfiguration
        {
            TextEncoder = new StrictHtmlEncoder(),
            FormatProvider = CultureInfo.InvariantCulture,
            ThrowOnUnresolvedBindingExpression = false,
        });
        h.RegisterTemplate("head", Template("head.hbs"));
        h.RegisterTemplate("certificate", Template("certificate.hbs"));
        return h;
    }

    private static string Template(string name)
    {
        using var s = typeof(HtmlRenderer).Assembly.GetManifestResourceStream("NasBurnin.Reports." + name)
            ?? throw new InvalidOperationException("The report template " + name + " is missing from the engine assembly.");
        using var r = new StreamReader(s, Encoding.UTF8);
        return r.ReadToEnd();
    }

    /// <summary>.NET's HtmlEncoder for every value: &lt; &gt; &amp; " ' and + are escaped; letters of any script are kept.</summary>
    private sealed class StrictHtmlEncoder : ITextEncoder
    {
        private static readonly System.Text.Encodings.Web.HtmlEncoder Html = System.Text.Encodings.Web.HtmlEncoder.Create(UnicodeRanges.All);

        public void Encode(StringBuilder text, TextWriter target) => target.Write(Html.Encode(text.ToString()));

        public void Encode(string text, TextWriter target) => target.Write(Html.Encode(text));

        public void Encode<T>(T text, TextWriter target) where T : IEnumerator<char>
        {
            var sb = new StringBuilder();
            while (text.MoveNext()) sb.Append(text.Current);
            target.Write(Html.Encode(sb.ToString()));
        }
    }
}
