using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Http;

namespace Clusterpedia.ApiServer.Tests.Unit;

public sealed class YamlToJsonTests
{
    [Fact]
    public void Parse_PlainScalars_GetCoreSchemaTypes()
    {
        var node = YamlToJson.Parse("""
            a: 1
            b: true
            c: "1"
            d: ~
            e: 1.5
            f: hello
            g: [x, 2]
            h: {k: 'false'}
            """);

        JsonNode.DeepEquals(node, JsonNode.Parse("""{"a":1,"b":true,"c":"1","d":null,"e":1.5,"f":"hello","g":["x",2],"h":{"k":"false"}}""")).ShouldBeTrue(node?.ToJsonString());
    }

    [Fact]
    public void Parse_InvalidYaml_Is400()
    {
        var error = Should.Throw<ApiException>(() => YamlToJson.Parse("a: [1, 2"));

        error.Code.ShouldBe(400);
    }

    [Fact]
    public void Parse_SeveralDocuments_Is400()
    {
        Should.Throw<ApiException>(() => YamlToJson.Parse("a: 1\n---\nb: 2\n")).Code.ShouldBe(400);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(100_000)]
    public void Parse_NestingPastLimit_Is400NamingIt(int depth)
    {
        var yaml = "a: " + new string('[', depth) + new string(']', depth);

        var error = Should.Throw<ApiException>(() => YamlToJson.Parse(yaml, new YamlLimits(MaxDepth: 32, MaxAliasNodes: 100)));

        error.Code.ShouldBe(400);
        error.Message.ShouldContain("deeper than 32 levels (Limits:MaxBodyDepth)");
    }

    [Fact]
    public void Parse_AliasAddingPastLimit_Is400NamingIt()
    {
        var yaml = "a: &a [1, 2, 3, 4]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n";

        var error = Should.Throw<ApiException>(() => YamlToJson.Parse(yaml, new YamlLimits(MaxDepth: 32, MaxAliasNodes: 50)));

        error.Code.ShouldBe(400);
        error.Message.ShouldContain("more than 50 nodes (Limits:MaxYamlAliasNodes)");
    }

    [Fact]
    public void Parse_Aliases_ExpandToIndependentCopies()
    {
        var node = YamlToJson.Parse("a: &x {k: 1}\nb: *x\n&key name: v\nm: {*key : w}\n", new YamlLimits(MaxDepth: 32, MaxAliasNodes: 100))!;

        JsonNode.DeepEquals(node["b"], node["a"]).ShouldBeTrue(node.ToJsonString());
        node["a"]!["k"] = 2;
        node["b"]!["k"]!.GetValue<long>().ShouldBe(1);
        node["m"]!["name"]!.GetValue<string>().ShouldBe("w");
    }

    [Theory]
    [InlineData("a: 1\na: 2\n", "\"a\" is repeated")]
    [InlineData("a: *missing\n", "*missing")]
    [InlineData("? [a]\n: 1\n", "keys must be scalars")]
    [InlineData(":\n[\nr", "not valid YAML")]
    public void Parse_UnrepresentableYaml_Is400(string yaml, string mention)
    {
        var error = Should.Throw<ApiException>(() => YamlToJson.Parse(yaml, new YamlLimits(MaxDepth: 32, MaxAliasNodes: 100)));

        error.Code.ShouldBe(400);
        error.Message.ShouldContain(mention);
    }

    [Fact]
    public void Parse_FloatOutOfRange_StaysAString()
    {
        // JSON has no Infinity: a number that would overflow stays the text it was, writable as JSON.
        YamlToJson.Parse("a: 1e999")!["a"]!.GetValue<string>().ShouldBe("1e999");
    }
}
