namespace Clusterpedia.Kube.Tests;

/// <summary>Boolean query parameters as apimachinery's runtime.Convert_Slice_string_To_bool reads them.</summary>
public sealed class QueryBoolTests
{
    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("TRUE")]
    [InlineData("1")]
    [InlineData("yes")]
    [InlineData("t")]
    [InlineData("f")]
    [InlineData("")]
    public void Parse_AnythingButZeroOrFalse_IsTrue(string value) => QueryBool.Parse(value).ShouldBeTrue();

    [Theory]
    [InlineData("0")]
    [InlineData("false")]
    [InlineData("False")]
    [InlineData("FALSE")]
    [InlineData("fAlSe")]
    public void Parse_ZeroOrFalseInAnyCase_IsFalse(string value) => QueryBool.Parse(value).ShouldBeFalse();

    [Fact]
    public void Parse_Absent_IsFalse() => QueryBool.Parse(Array.Empty<string?>()).ShouldBeFalse();

    [Fact]
    public void Parse_Repeated_FirstValueDecides()
    {
        QueryBool.Parse(["false", "true"]).ShouldBeFalse();
        QueryBool.Parse(["true", "false"]).ShouldBeTrue();
    }
}
