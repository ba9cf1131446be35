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
}
