using Microsoft.Data.Sqlite;
using NasBurnin.Engine.Common;
using Xunit;

namespace NasBurnin.Engine.Tests.Common;

/// <summary>PowerShell's wildcard grammar, the same in memory and in SQLite (the answers are pwsh's -like).</summary>
public class WildcardTests
{
    /// <summary>Pattern, value, pwsh's answer to <c>value -like pattern</c>.</summary>
    public static TheoryData<string, string, bool> Cases => new()
    {
        { "ZL2*", "zl2abc", true },
        { "Z?2", "Zx2", true },
        { "Z?2", "Z2", false },
        { "a.b", "a.b", true },
        { "a.b", "axb", false },
        { "WD-`*", "WD-*", true },
        { "WD-`*", "WD-1", false },
        { "W[DX]*", "WX123", true },
        { "W[DX]*", "WA123", false },
        { "nas[12]", "NAS2", true },
        { "nas[12]", "nas3", false },
        { "nas[1-3]", "nas3", true },
        { "nas[1-3]", "nas4", false },
        { "nas`[1`]", "nas[1]", true },
        { "nas`[1`]", "nas1", false },
        { "a[^b]", "a^", true },
        { "a[^b]", "ab", true },
        { "a[^b]", "ac", false },
        { "a[]]", "a]", true },
        { "a[-b]", "a-", true },
        { "a[-b]", "ab", true },
        { "a[-b]", "ac", false },
        { "a_c%", "a_c%", true },
        { "a_c%", "abcd", false },
        { "x]", "x]", true },
        { "*", "", true },
        { "a*b*c", "aXXbYYc", true },
        { "a*b*c", "aXXbYY", false },
        { "?", "", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_like_powershell_in_memory_and_in_sqlite(string pattern, string value, bool expected)
    {
        var w = Wildcard.Parse(pattern);
        Assert.Equal(expected, w.IsMatch(value));
        using var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Wildcard.SqlCondition("$v", "$p")}";
        cmd.Parameters.AddWithValue("$v", value);
        cmd.Parameters.AddWithValue("$p", w.ToGlob());
        Assert.Equal(expected ? 1L : 0L, (long)cmd.ExecuteScalar()!);
    }

    [Theory]
    [InlineData("nas1", false, "nas1")]
    [InlineData("nas`[1`]", false, "nas[1]")]
    [InlineData("nas`*", false, "nas*")]
    [InlineData("nas[12]", true, null)]
    [InlineData("nas?", true, null)]
    public void A_pattern_without_wildcards_names_one_thing(string pattern, bool hasWildcards, string? literal)
    {
        var w = Wildcard.Parse(pattern);
        Assert.Equal(hasWildcards, w.HasWildcards);
        Assert.Equal(literal, w.Literal);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("x[]")]
    [InlineData("x[ab")]
    public void An_unclosed_set_is_InvalidWildcard_naming_the_pattern(string pattern)
    {
        var e = Assert.Throws<BurninException>(() => Wildcard.Parse(pattern));
        Assert.Equal("InvalidWildcard", e.ErrorId);
        Assert.Contains($"'{pattern}'", e.Message);
    }

    [Fact]
    public void Exact_escapes_every_metacharacter()
    {
        var w = Wildcard.Exact("a*b?[c]`d");
        Assert.False(w.HasWildcards);
        Assert.True(w.IsMatch("A*B?[C]`D"));
        Assert.False(w.IsMatch("aXb?[c]`d"));
        Assert.Equal("a`*b`?`[c`]``d", w.Pattern);
    }
}
