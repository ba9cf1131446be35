using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.Kube.Tests.Selectors;

/// <summary>The message-free checks agree with the ones that explain themselves, on valid and invalid input alike.</summary>
public sealed class LabelValidationFastPathTests
{
    public static TheoryData<string> Keys() =>
    [
        "app", "app.kubernetes.io/name", "example.com/MyName", "a/b/c", "/x", "x/", "Example.com/x", "-app", "app-",
        "a_b", "a b", new string('a', 63), new string('a', 64), new string('a', 253) + "/x", new string('a', 254) + "/x", "é", "",
    ];

    public static TheoryData<string> Values() => ["", "v", "my_value", "12345", "-v", "v-", "a b", new string('v', 63), new string('v', 64), "é"];

    [Theory]
    [MemberData(nameof(Keys))]
    public void IsLabelKey_AgreesWithIsQualifiedName(string key) =>
        LabelValidation.IsLabelKey(key).ShouldBe(LabelValidation.IsQualifiedName(key).Count == 0);

    [Theory]
    [MemberData(nameof(Values))]
    public void IsLabelValue_AgreesWithIsValidLabelValue(string value) =>
        LabelValidation.IsLabelValue(value).ShouldBe(LabelValidation.IsValidLabelValue(value).Count == 0);

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("Example.com", false)]
    [InlineData("a..b", false)]
    [InlineData("", false)]
    public void IsDns1123SubdomainName_AgreesWithIsDns1123Subdomain(string name, bool expected)
    {
        LabelValidation.IsDns1123SubdomainName(name).ShouldBe(expected);
        (LabelValidation.IsDns1123Subdomain(name).Count == 0).ShouldBe(expected);
    }
}
