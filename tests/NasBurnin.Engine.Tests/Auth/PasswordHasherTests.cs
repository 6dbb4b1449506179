using NasBurnin.Engine.Auth;
using NasBurnin.Engine.Common;
using Xunit;

namespace NasBurnin.Engine.Tests.Auth;

public class PasswordHasherTests
{
    [Fact]
    public void Bcrypt_with_work_factor_12_round_trips()
    {
        var h = BcryptPasswordHasher.Instance;
        var hash = h.Hash("correct horse".AsSpan());
        Assert.StartsWith("$2", hash);
        Assert.Equal(12, BcryptPasswordHasher.WorkFactorOf(hash));
        Assert.True(h.Verify("correct horse".AsSpan(), hash));
        Assert.False(h.Verify("correct horsE".AsSpan(), hash));
    }

    [Fact]
    public void The_dummy_hash_costs_the_same_work_as_a_real_one_and_matches_nothing_obvious()
    {
        var h = BcryptPasswordHasher.Instance;
        Assert.Equal(BcryptPasswordHasher.WorkFactor, BcryptPasswordHasher.WorkFactorOf(h.DummyHash));
        Assert.False(h.Verify("".AsSpan(), h.DummyHash));
        Assert.False(h.Verify("password".AsSpan(), h.DummyHash));
    }

    [Fact]
    public void The_caller_s_buffer_is_left_as_it_was()
    {
        var chars = "correct horse".ToCharArray();
        BcryptPasswordHasher.Instance.Verify(chars, BcryptPasswordHasher.Instance.DummyHash);
        Assert.Equal("correct horse", new string(chars));
    }

    [Theory]
    [InlineData("1234567", "PasswordTooShort")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012", "PasswordTooLong")] // 73 ASCII bytes
    [InlineData("ééééééééééééééééééééééééééééééééééééé", "PasswordTooLong")] // 37 chars, 74 bytes of UTF-8
    public void Rules_refuse_short_and_over_long_passwords_without_echoing_them(string password, string errorId)
    {
        var e = Assert.Throws<BurninException>(() => PasswordRules.Validate(password, "alice"));
        Assert.Equal(errorId, e.ErrorId);
        Assert.DoesNotContain(password, e.Message);
    }

    [Fact]
    public void Rules_accept_eight_characters_and_exactly_72_bytes()
    {
        PasswordRules.Validate("12345678", "alice");
        PasswordRules.Validate(new string('x', 72), "alice");
    }
}
