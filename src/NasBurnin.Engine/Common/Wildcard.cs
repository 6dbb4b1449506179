using System.Text;

namespace NasBurnin.Engine.Common;

/// <summary>
/// PowerShell's wildcard grammar, the one every -HostName, -Serial, -UserName and -Type filter uses, live
/// or against the store: <c>*</c> any run, <c>?</c> one character, <c>[abc]</c> / <c>[a-z]</c> one of a set,
/// a backtick escapes the next character. Matching ignores ASCII case only, exactly like SQLite's
/// <c>lower()</c>, so a pattern answers the same in memory (<see cref="IsMatch"/>) and in SQL (<see cref="ToGlob"/>).
/// </summary>
public sealed class Wildcard
{
    private readonly IReadOnlyList<Token> _tokens;

    private Wildcard(string pattern, IReadOnlyList<Token> tokens)
    {
        Pattern = pattern;
        _tokens = tokens;
        HasWildcards = tokens.Any(t => t.Kind != TokenKind.Literal);
        Literal = HasWildcards ? null : string.Concat(tokens.Select(t => t.Char));
    }

    public string Pattern { get; }

    /// <summary>True when an unescaped *, ? or [set] is present; a pattern without one names one thing.</summary>
    public bool HasWildcards { get; }

    /// <summary>The name the pattern stands for (escapes removed) when it has no wildcards, else null.</summary>
    public string? Literal { get; }

    /// <summary>Parses <paramref name="pattern"/>; an unclosed [set] is an InvalidWildcard error naming it, as in PowerShell.</summary>
    public static Wildcard Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var tokens = new List<Token>();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '`' when i + 1 < pattern.Length: tokens.Add(Token.Of(pattern[++i])); break;
                case '*': tokens.Add(new Token(TokenKind.Any, '\0', null)); break;
                case '?': tokens.Add(new Token(TokenKind.One, '\0', null)); break;
                case '[': tokens.Add(ParseSet(pattern, ref i)); break;
                default: tokens.Add(Token.Of(c)); break;
            }
        }
        return new Wildcard(pattern, tokens);
    }

    /// <summary>A pattern matching exactly <paramref name="name"/> (metacharacters escaped).</summary>
    public static Wildcard Exact(string name) => new(Escape(name), name.Select(Token.Of).ToList());

    /// <summary><paramref name="name"/> with *, ?, [, ] and ` escaped by backticks, as PowerShell's WildcardPattern.Escape.</summary>
    public static string Escape(string name) =>
        string.Concat(name.Select(c => c is '*' or '?' or '[' or ']' or '`' ? "`" + c : c.ToString()));

    public static implicit operator Wildcard(string pattern) => Parse(pattern);

    public static bool IsMatch(string pattern, string? value) => Parse(pattern).IsMatch(value);

    /// <summary>True when any of <paramref name="patterns"/> matches <paramref name="value"/>.</summary>
    public static bool AnyMatch(IEnumerable<Wildcard> patterns, string? value) => patterns.Any(p => p.IsMatch(value));

    /// <summary>Whole-value match, ASCII case-insensitive; a null value matches nothing.</summary>
    public bool IsMatch(string? value)
    {
        if (value is null) return false;
        // Greedy matching with backtracking to the last '*': linear enough for names.
        int t = 0, v = 0, starT = -1, starV = 0;
        while (v < value.Length)
        {
            if (t < _tokens.Count && _tokens[t].Kind == TokenKind.Any) { starT = t++; starV = v; }
            else if (t < _tokens.Count && _tokens[t].Matches(value[v])) { t++; v++; }
            else if (starT >= 0) { t = starT + 1; v = ++starV; }
            else return false;
        }
        while (t < _tokens.Count && _tokens[t].Kind == TokenKind.Any) t++;
        return t == _tokens.Count;
    }

    /// <summary>
    /// The same pattern for SQLite's GLOB, to compare with <c>lower(column)</c>: metacharacters that were
    /// literal are bracketed ([*], [?], [[]), sets are ordered so ] and - stay literal and ^ does not negate.
    /// </summary>
    public string ToGlob()
    {
        var sb = new StringBuilder();
        foreach (var t in _tokens)
        {
            switch (t.Kind)
            {
                case TokenKind.Any: sb.Append('*'); break;
                case TokenKind.One: sb.Append('?'); break;
                case TokenKind.Literal: AppendGlobLiteral(sb, t.Char); break;
                default: AppendGlobSet(sb, t.Set!); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A SQL condition matching <paramref name="column"/> against this pattern bound as <paramref name="parameter"/>.</summary>
    public static string SqlCondition(string column, string parameter) => $"lower({column}) GLOB {parameter}";

    /// <summary>"(col GLOB $p0 OR col GLOB $p1 ...)" for several patterns, with their values to bind.</summary>
    public static (string Sql, IReadOnlyList<(string Name, string Value)> Parameters) SqlAny(
        string column, string prefix, IReadOnlyList<Wildcard> patterns)
    {
        var parameters = patterns.Select((p, i) => ($"{prefix}{i}", p.ToGlob())).ToList();
        return ("(" + string.Join(" OR ", parameters.Select(p => SqlCondition(column, p.Item1))) + ")", parameters);
    }

    public override string ToString() => Pattern;

    private static Token ParseSet(string pattern, ref int i)
    {
        var start = i;
        var items = new List<(char From, char To)>();
        // As in PowerShell, a ] right after the [ is a member, not the end; ^ never negates.
        for (i++; i < pattern.Length && (pattern[i] != ']' || (i == start + 1)); i++)
        {
            var from = pattern[i] == '`' && i + 1 < pattern.Length ? pattern[++i] : pattern[i];
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                i += 2;
                var to = pattern[i] == '`' && i + 1 < pattern.Length ? pattern[++i] : pattern[i];
                items.Add((Lower(from), Lower(to)));
            }
            else items.Add((Lower(from), Lower(from)));
        }
        if (i >= pattern.Length)
            throw new BurninException("InvalidWildcard", ErrorKind.InvalidArgument,
                $"The wildcard pattern '{pattern}' is not valid: the set at position {start + 1} is not closed by ']'. " +
                "Use * ? [abc] [a-z], and a backtick (`[) for a literal bracket.") { Target = pattern };
        return new Token(TokenKind.Set, '\0', items);
    }

    private static void AppendGlobLiteral(StringBuilder sb, char c)
    {
        if (c is '*' or '?' or '[') sb.Append('[').Append(c).Append(']');
        else sb.Append(Lower(c));
    }

    private static void AppendGlobSet(StringBuilder sb, IReadOnlyList<(char From, char To)> items)
    {
        var singles = items.Where(x => x.From == x.To).Select(x => x.From).ToHashSet();
        var ranges = items.Where(x => x.From != x.To).ToList();
        var others = singles.Where(c => c is not (']' or '^' or '-')).OrderBy(c => c).ToList();
        if (ranges.Count == 0 && others.Count == 0 && !singles.Contains(']') && !singles.Contains('-'))
        {
            AppendGlobLiteral(sb, '^'); // a set of just ^ would read as a negation in GLOB
            return;
        }
        sb.Append('[');
        if (singles.Contains(']')) sb.Append(']');       // first: literal
        if (singles.Contains('-') && !singles.Contains(']') && ranges.Count == 0 && others.Count == 0)
        {
            sb.Append('-');                                // "-" (and maybe "^" after it)
            if (singles.Contains('^')) sb.Append('^');
            sb.Append(']');
            return;
        }
        foreach (var (from, to) in ranges) sb.Append(from).Append('-').Append(to);
        foreach (var c in others) sb.Append(c);
        if (singles.Contains('^')) sb.Append('^');         // never first: literal
        if (singles.Contains('-')) sb.Append('-');         // last: literal
        sb.Append(']');
    }

    private static char Lower(char c) => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;

    private enum TokenKind { Literal, Any, One, Set }

    private sealed record Token(TokenKind Kind, char Char, IReadOnlyList<(char From, char To)>? Set)
    {
        public static Token Of(char c) => new(TokenKind.Literal, c, null);

        public bool Matches(char c)
        {
            var l = Lower(c);
            return Kind switch
            {
                TokenKind.One => true,
                TokenKind.Literal => Lower(Char) == l,
                TokenKind.Set => Set!.Any(r => l >= r.From && l <= r.To),
                _ => false,
            };
        }
    }
}
