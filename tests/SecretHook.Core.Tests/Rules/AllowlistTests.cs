using System.Text;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Rules;

public sealed class AllowlistTests
{
    private static readonly Allowlist Words = new([], ["password", "not a real"]);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));

    private static string Base64Url(string text) => Base64(text).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Theory]
    [InlineData("not my real password")]
    [InlineData("this is not a real value")]
    [InlineData("PASSWORD: hunter2 and more")]
    public void StopwordsAreFoundInBase64OfText(string text)
    {
        Assert.True(Words.Allows(Base64(text)));
        Assert.True(Words.Allows(Base64(text).TrimEnd('=')));
    }

    [Fact]
    public void UrlSafeBase64IsDecodedToo()
    {
        // '>' and '?' make base64's 62nd and 63rd characters, which the URL-safe alphabet spells - and _.
        string text = "<<not a real value>>???";
        Assert.Contains('/', Base64(text));
        Assert.True(Words.Allows(Base64Url(text)));
    }

    [Fact]
    public void TextWithoutAStopwordIsNotAllowed()
    {
        Assert.False(Words.Allows(Base64("user:correct-horse-battery")));
    }

    [Fact]
    public void RandomBytesAreNotText()
    {
        var random = new Random(20261204);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(12, 64)];
            random.NextBytes(bytes);
            string value = Convert.ToBase64String(bytes);
            Assert.Equal(0, Allowlist.DecodeBase64Text(value, new char[Allowlist.MaxDecodedSecret]));
            Assert.False(Words.Allows(value));
        }
    }

    [Fact]
    public void OnlyWholeTextOfOneAlphabetIsDecoded()
    {
        var buffer = new char[Allowlist.MaxDecodedSecret];
        string text = Base64("not a real password, not at all");
        Assert.Equal("not a real password, not at all", new string(buffer, 0, Allowlist.DecodeBase64Text(text, buffer)));
        // A byte that is not text (NUL), both alphabets at once, a character of neither, too much padding.
        Assert.Equal(0, Allowlist.DecodeBase64Text(Base64("not a real\0password"), buffer));
        Assert.Equal(0, Allowlist.DecodeBase64Text(text[..8] + "-" + text[9..12] + "+" + text[13..], buffer));
        Assert.Equal(0, Allowlist.DecodeBase64Text(text[..10] + "." + text[11..], buffer));
        Assert.Equal(0, Allowlist.DecodeBase64Text(Base64("not a real password!") + "=", buffer));
    }

    [Fact]
    public void ShortAndLongValuesAreNotDecoded()
    {
        // base64 of "password" is 12 characters: below the 16 where decoding starts.
        Assert.True(Base64("password").Length < Allowlist.MinDecodedSecret);
        Assert.False(Words.Allows(Base64("password")));
        string longText = Base64("password " + new string('a', Allowlist.MaxDecodedSecret));
        Assert.True(longText.Length > Allowlist.MaxDecodedSecret);
        Assert.False(Words.Allows(longText));
    }

    [Fact]
    public void WithoutStopwordsNothingIsDecoded()
    {
        var regexOnly = new Allowlist(["^x$"], []);
        Assert.False(regexOnly.Allows(Base64("not my real password")));
    }
}
