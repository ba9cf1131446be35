using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Watch;

namespace Clusterpedia.ApiServer.Tests.Unit;

public sealed class ObjectRewriterTests
{
    [Fact]
    public void WithResourceVersion_StoredVersion_OnlyThatValueReplaced()
    {
        const string stored = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","resourceVersion":"12345","uid":"u"},"spec":{"x":"\u00e9\"q"}}""";

        var rewritten = Rewrite(stored, "77");

        rewritten.ShouldBe("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","resourceVersion":"77","uid":"u"},"spec":{"x":"\u00e9\"q"}}""");
    }

    [Fact]
    public void WithResourceVersion_NoVersion_AddedAtTheEndOfMetadata()
    {
        Rewrite("""{"metadata":{"name":"a"},"kind":"Pod"}""", "9").ShouldBe("""{"metadata":{"name":"a","resourceVersion":"9"},"kind":"Pod"}""");
        Rewrite("""{"metadata":{},"kind":"Pod"}""", "9").ShouldBe("""{"metadata":{"resourceVersion":"9"},"kind":"Pod"}""");
        Rewrite("{ \"metadata\" : { \"name\" : \"a\" } }", "9").ShouldBe("{ \"metadata\" : { \"name\" : \"a\" ,\"resourceVersion\":\"9\"} }");
    }

    [Fact]
    public void WithResourceVersion_NestedMetadata_Untouched()
    {
        const string stored = """{"metadata":{"resourceVersion":"1"},"spec":{"template":{"metadata":{"resourceVersion":"5","labels":{"resourceVersion":"6"}}}}}""";

        var rewritten = JsonNode.Parse(Rewrite(stored, "2"))!;

        rewritten["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe("2");
        rewritten["spec"]!["template"]!["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe("5");
        rewritten["spec"]!["template"]!["metadata"]!["labels"]!["resourceVersion"]!.GetValue<string>().ShouldBe("6");
    }

    [Fact]
    public void WithResourceVersion_EscapedNameAndNonStringValue_Replaced()
    {
        // "resource\u0056ersion" is the same property name; a number where a string belongs is replaced whole.
        Rewrite("""{"metadata":{"resource\u0056ersion":12,"name":"a"}}""", "3").ShouldBe("""{"metadata":{"resource\u0056ersion":"3","name":"a"}}""");
        Rewrite("""{"metadata":{"resourceVersion":{"odd":[1,2]},"name":"a"}}""", "3").ShouldBe("""{"metadata":{"resourceVersion":"3","name":"a"}}""");
    }

    [Fact]
    public void WithResourceVersion_NoMetadataObject_Unchanged()
    {
        Rewrite("""{"kind":"Pod","spec":{"metadata":{"resourceVersion":"1"}}}""", "3").ShouldBe("""{"kind":"Pod","spec":{"metadata":{"resourceVersion":"1"}}}""");
        Rewrite("""{"kind":"Pod","metadata":"text"}""", "3").ShouldBe("""{"kind":"Pod","metadata":"text"}""");
    }

    [Fact]
    public void WithResourceVersion_ValueNeedingEscapes_ValidJson()
    {
        var rewritten = Rewrite("""{"metadata":{"resourceVersion":"1"}}""", "a\"b\\c");

        JsonNode.Parse(rewritten)!["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe("a\"b\\c");
    }

    [Fact]
    public void WithResourceVersion_DeeperThanTheDocumentDefault_Rewritten()
    {
        // The synchro stores objects nested up to ObjectJsonLimits.MaxDepth; a document's default limit is 64.
        var deep = new StringBuilder("""{"metadata":{"resourceVersion":"1"},"spec":""");
        deep.Insert(deep.Length, "[", 200).Append(']', 200).Append('}');

        var rewritten = Rewrite(deep.ToString(), "8");

        rewritten.ShouldStartWith("""{"metadata":{"resourceVersion":"8"},"spec":[[[""");
        rewritten.Length.ShouldBe(deep.Length);
    }

    [Fact]
    public void WithResourceVersion_InvalidJson_Throws()
    {
        Should.Throw<JsonException>(() => Rewrite("""{"metadata":{"resourceVersion":"1"}""", "2"));
    }

    private static string Rewrite(string json, string resourceVersion) =>
        Encoding.UTF8.GetString(ObjectRewriter.WithResourceVersion(Encoding.UTF8.GetBytes(json), resourceVersion));
}
