using System.Text.Json.Nodes;
using Clusterpedia.Kube.Patching;

namespace Clusterpedia.ApiServer.Tests.Unit;

public sealed class PatchTests
{
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void MergePatch_Rfc7386Examples_Apply(string target, string patch, string expected)
    {
        var result = JsonMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch));

        JsonNode.DeepEquals(result, JsonNode.Parse(expected)).ShouldBeTrue(result?.ToJsonString());
    }

    [Theory]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/b","value":2}]""", """{"a":1,"b":2}""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/1","value":9}]""", """{"a":[1,9,2]}""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/-","value":3}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":1,"b":2}""", """[{"op":"remove","path":"/a"}]""", """{"b":2}""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"/a","value":5}]""", """{"a":5}""")]
    [InlineData("""{"a":{"x":1}}""", """[{"op":"move","from":"/a/x","path":"/y"}]""", """{"a":{},"y":1}""")]
    [InlineData("""{"a":1}""", """[{"op":"copy","from":"/a","path":"/b"}]""", """{"a":1,"b":1}""")]
    [InlineData("""{"m":{"a/b":1}}""", """[{"op":"replace","path":"/m/a~1b","value":2}]""", """{"m":{"a/b":2}}""")]
    [InlineData("""{"a":1}""", """[{"op":"test","path":"/a","value":1},{"op":"add","path":"/b","value":1}]""", """{"a":1,"b":1}""")]
    public void JsonPatch_Operations_Apply(string target, string ops, string expected)
    {
        var result = JsonPatch.Apply(JsonNode.Parse(target)!, JsonNode.Parse(ops)!.AsArray());

        JsonNode.DeepEquals(result, JsonNode.Parse(expected)).ShouldBeTrue(result.ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"remove","path":"/missing"}]""", 422)]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""", 422)]
    [InlineData("""[{"op":"frobnicate","path":"/a"}]""", 400)]
    [InlineData("""[{"path":"/a"}]""", 400)]
    [InlineData("""[{"op":"add","path":"a","value":1}]""", 400)]
    [InlineData("""[1]""", 400)]
    public void JsonPatch_BadOperations_AreClientErrors(string ops, int code)
    {
        var error = Should.Throw<PatchException>(() => JsonPatch.Apply(JsonNode.Parse("""{"a":1}""")!, JsonNode.Parse(ops)!.AsArray()));

        error.Code.ShouldBe(code);
    }

    [Theory]
    [InlineData("""[{"op":1,"path":"/a"}]""", "\"op\" must be a string")]
    [InlineData("""[{"op":"remove","path":{"p":"/a"}}]""", "\"path\" must be a string")]
    [InlineData("""[{"op":"copy","from":false,"path":"/b"}]""", "\"from\" must be a string")]
    public void JsonPatch_MemberOfWrongType_Is400NamingIt(string ops, string mention)
    {
        var error = Should.Throw<PatchException>(() => JsonPatch.Apply(JsonNode.Parse("""{"a":1}""")!, JsonNode.Parse(ops)!.AsArray()));

        error.Code.ShouldBe(400);
        error.Message.ShouldContain(mention);
    }

    [Fact]
    public void JsonPatch_MoreOperationsThanLimit_Is413()
    {
        var ops = new JsonArray([.. Enumerable.Range(0, 4).Select(_ => JsonNode.Parse("""{"op":"test","path":"/a","value":1}"""))]);

        var error = Should.Throw<PatchException>(() => JsonPatch.Apply(JsonNode.Parse("""{"a":1}""")!, ops, new JsonPatchLimits(MaxOperations: 3)));

        error.Code.ShouldBe(413);
        error.ExceededLimit.ShouldBe(nameof(JsonPatchLimits.MaxOperations));
    }

    [Fact]
    public void JsonPatch_CopiesDoublingTheDocument_StopAtCopyLimit()
    {
        var ops = new JsonArray([.. Enumerable.Range(0, 64).Select(i => JsonNode.Parse($$$"""{"op":"copy","from":"","path":"/c{{{i}}}"}"""))]);

        var error = Should.Throw<PatchException>(() => JsonPatch.Apply(JsonNode.Parse("""{"a":"0123456789"}""")!, ops, new JsonPatchLimits(MaxCopiedBytes: 1024 * 1024)));

        error.Code.ShouldBe(413);
        error.ExceededLimit.ShouldBe(nameof(JsonPatchLimits.MaxCopiedBytes));
    }

    [Theory]
    [InlineData("""[{"op":"add","path":"/b","value":[[[1]]]}]""", 4, false)]
    [InlineData("""[{"op":"add","path":"/b","value":[[[[1]]]]}]""", 4, true)]
    [InlineData("""[{"op":"add","path":"/b","value":[]},{"op":"copy","from":"","path":"/b/-"},{"op":"copy","from":"","path":"/b/-"}]""", 4, true)]
    public void JsonPatch_ResultDeeperThanLimit_Is422(string ops, int maxDepth, bool refused)
    {
        var apply = () => JsonPatch.Apply(JsonNode.Parse("""{"a":1}""")!, JsonNode.Parse(ops)!.AsArray(), new JsonPatchLimits(MaxDepth: maxDepth));

        if (refused)
        {
            var error = Should.Throw<PatchException>(apply);
            error.Code.ShouldBe(422);
            error.ExceededLimit.ShouldBe(nameof(JsonPatchLimits.MaxDepth));
        }
        else
        {
            apply().ToJsonString().ShouldBe("""{"a":1,"b":[[[1]]]}""");
        }
    }
}
