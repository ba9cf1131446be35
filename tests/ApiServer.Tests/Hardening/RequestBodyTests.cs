using System.Text;
using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// Hostile request bodies (deep nesting, alias bombs, oversized, malformed chunking, invalid UTF-8, broken
/// patches) get a 4xx Status naming the limit or the problem; none gets a 500, crashes the server or balloons it.
/// </summary>
[Collection(HardeningCollection.Name)]
public sealed class RequestBodyTests(LimitsServer server)
{
    private const string _pediaClusters = LimitsServer.PediaClusters;

    [Theory]
    [InlineData(10_000)]
    [InlineData(30_000)]
    public async Task CreatePediaCluster_DeeplyNestedYaml_Is400NamingDepthLimit(int depth)
    {
        var yaml = "apiVersion: cluster.clusterpedia.io/v1alpha2\nkind: PediaCluster\nmetadata:\n  name: deep\nspec: " + new string('[', depth) + new string(']', depth) + "\n";

        var (code, text) = await server.SendAsync(HttpMethod.Post, _pediaClusters, "application/yaml", Encoding.UTF8.GetBytes(yaml));

        LimitsServer.ShouldBeStatus(code, text, 400, "Limits:MaxBodyDepth");
        await server.ShouldBeHealthyAsync();
    }

    [Fact]
    public async Task CreatePediaCluster_DeeplyNestedBlockYaml_Is400NamingDepthLimit()
    {
        var yaml = new StringBuilder("metadata:\n  name: deep\nspec:\n");
        for (var i = 0; i < 2_000; i++)
        {
            yaml.Append(' ', i + 1).Append("k:\n");
        }

        var (code, text) = await server.SendAsync(HttpMethod.Post, _pediaClusters, "application/yaml", Encoding.UTF8.GetBytes(yaml.ToString()));

        LimitsServer.ShouldBeStatus(code, text, 400, "Limits:MaxBodyDepth");
    }

    [Theory]
    [InlineData(31)]
    [InlineData(100_000)]
    public async Task CreatePediaCluster_JsonDeeperThanLimit_Is400NamingDepthLimit(int arrays)
    {
        // Root object, spec and the arrays: 2 + arrays levels against the default limit of 32.
        var body = $$$"""{"metadata":{"name":"deep-json"},"spec":{"apiserver":"https://127.0.0.1:1","x":{{{new string('[', arrays)}}}{{{new string(']', arrays)}}}}}""";

        var (code, text) = await server.SendAsync(HttpMethod.Post, _pediaClusters + "?dryRun=All", "application/json", Encoding.UTF8.GetBytes(body));

        LimitsServer.ShouldBeStatus(code, text, 400, "Limits:MaxBodyDepth");
    }

    [Fact]
    public async Task CreatePediaCluster_JsonAtDepthLimit_IsAccepted()
    {
        var body = $$$"""{"metadata":{"name":"deep-json"},"spec":{"apiserver":"https://127.0.0.1:1","x":{{{new string('[', 30)}}}{{{new string(']', 30)}}}}}""";

        var (code, text) = await server.SendAsync(HttpMethod.Post, _pediaClusters + "?dryRun=All", "application/json", Encoding.UTF8.GetBytes(body));

        code.ShouldBe(201, text);
    }

    [Fact]
    public async Task CreatePediaCluster_YamlAliasBomb_Is400AndMemoryStaysFlat()
    {
        // 7 levels of x10 aliases: 10^7 strings once expanded (~2 GB of nodes, a 69 MB response before the fix).
        var yaml = new StringBuilder("apiVersion: cluster.clusterpedia.io/v1alpha2\nkind: PediaCluster\nmetadata: {name: bomb}\nspec:\n  apiserver: https://127.0.0.1:1\n");
        yaml.Append("  l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
        for (var level = 1; level <= 7; level++)
        {
            yaml.Append("  l").Append(level).Append(": &l").Append(level).Append(" [")
                .AppendJoin(',', Enumerable.Repeat($"*l{level - 1}", 10)).Append("]\n");
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var (code, text) = await server.SendAsync(HttpMethod.Post, _pediaClusters + "?dryRun=All", "application/yaml", Encoding.UTF8.GetBytes(yaml.ToString()));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        LimitsServer.ShouldBeStatus(code, text, 400, "Limits:MaxYamlAliasNodes");
        text.Length.ShouldBeLessThan(4096);
        allocated.ShouldBeLessThan(100L * 1024 * 1024, $"the request allocated {allocated / (1024 * 1024)} MB");
    }

    [Fact]
    public async Task CreatePediaCluster_YamlWithAFewAliases_IsAccepted()
    {
        var yaml = """
            apiVersion: cluster.clusterpedia.io/v1alpha2
            kind: PediaCluster
            metadata:
              name: aliases
              labels: &labels {team: a}
              annotations: *labels
            spec:
              apiserver: https://127.0.0.1:1
              syncResources:
              - &apps {group: apps, resources: [deployments]}
              - *apps
            """;

        var (code, text) = await server.SendAsync(HttpMethod.Post, _pediaClusters + "?dryRun=All", "application/yaml", Encoding.UTF8.GetBytes(yaml));

        code.ShouldBe(201, text);
        var metadata = JsonDocument.Parse(text).RootElement.GetProperty("metadata");
        metadata.GetProperty("annotations").GetProperty("team").GetString().ShouldBe("a");
    }

    [Fact]
    public async Task CreatePediaCluster_BodyOverRequestLimit_Is413Status()
    {
        // 20 MB: accepted with 201 before, and every list then moved it.
        var body = Encoding.UTF8.GetBytes(LimitsServer.PediaCluster("huge", $$$""","annotations":{"a":"{{{new string('x', 20 * 1024 * 1024)}}}"}"""));
        var head = $"POST {_pediaClusters} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}";

        var (code, text) = await RawHttp.SendAsync(server.Server, head, body);

        var status = LimitsServer.ShouldBeStatus(code, text, 413, "Request entity too large: limit is 3145728 bytes (Limits:MaxRequestBodyBytes)");
        status.GetProperty("reason").GetString().ShouldBe("RequestEntityTooLarge");
        await server.ShouldBeHealthyAsync();
    }

    [Fact]
    public async Task CreatePediaCluster_ChunkedBodyOverRequestLimit_Is413Status()
    {
        var json = Encoding.UTF8.GetBytes(LimitsServer.PediaCluster("huge-chunked", $$$""","annotations":{"a":"{{{new string('x', 4 * 1024 * 1024)}}}"}"""));
        using var chunked = new MemoryStream();
        for (var at = 0; at < json.Length; at += 16 * 1024)
        {
            var size = Math.Min(16 * 1024, json.Length - at);
            chunked.Write(Encoding.ASCII.GetBytes($"{size:x}\r\n"));
            chunked.Write(json, at, size);
            chunked.Write("\r\n"u8);
        }

        chunked.Write("0\r\n\r\n"u8);
        var head = $"POST {_pediaClusters} HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked";

        var (code, text) = await RawHttp.SendAsync(server.Server, head, chunked.ToArray());

        var status = LimitsServer.ShouldBeStatus(code, text, 413, "limit is 3145728 bytes (Limits:MaxRequestBodyBytes)");
        status.GetProperty("reason").GetString().ShouldBe("RequestEntityTooLarge");
    }

    [Fact]
    public async Task CreatePediaCluster_ObjectOverMaxObjectBytes_Is413Status()
    {
        // 2 MB fits the request limit (3 MiB) but not the object limit (1.5 MiB).
        var body = Encoding.UTF8.GetBytes(LimitsServer.PediaCluster("big", "").Replace("\"apiserver\"", $"\"x\":\"{new string('x', 2 * 1024 * 1024)}\",\"apiserver\"", StringComparison.Ordinal));

        var (code, text) = await server.SendAsync(HttpMethod.Post, _pediaClusters, "application/json", body);

        var status = LimitsServer.ShouldBeStatus(code, text, 413, "limit is 1572864 bytes (Limits:MaxObjectBytes)");
        status.GetProperty("reason").GetString().ShouldBe("RequestEntityTooLarge");
    }

    [Fact]
    public async Task MergePatchPediaCluster_GrowingPastMaxObjectBytes_Is413Status()
    {
        var half = Encoding.UTF8.GetBytes($$$"""{"spec":{"x1":"{{{new string('x', 1024 * 1024)}}}"}}""");
        var (code, text) = await server.SendAsync(HttpMethod.Patch, _pediaClusters + "/target?dryRun=All", "application/merge-patch+json", half);
        code.ShouldBe(200, text[..Math.Min(text.Length, 500)]);

        var twice = Encoding.UTF8.GetBytes($$$"""{"spec":{"x1":"{{{new string('x', 1024 * 1024)}}}","x2":"{{{new string('y', 1024 * 1024)}}}"}}""");
        (code, text) = await server.SendAsync(HttpMethod.Patch, _pediaClusters + "/target", "application/merge-patch+json", twice);

        LimitsServer.ShouldBeStatus(code, text, 413, "Limits:MaxObjectBytes");
    }

    [Fact]
    public async Task JsonPatchPediaCluster_CopyDoubling_Is413AndMemoryStaysFlat()
    {
        // Each copy doubles spec: 40 of them would make 2^40 copies of it.
        var ops = string.Join(",", Enumerable.Range(0, 40).Select(i => $$$"""{"op":"copy","from":"/spec","path":"/spec/c{{{i}}}"}"""));

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var (code, text) = await server.SendAsync(HttpMethod.Patch, _pediaClusters + "/target?dryRun=All", "application/json-patch+json", Encoding.UTF8.GetBytes($"[{ops}]"));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        LimitsServer.ShouldBeStatus(code, text, 413, "Limits:MaxObjectBytes");
        allocated.ShouldBeLessThan(100L * 1024 * 1024, $"the request allocated {allocated / (1024 * 1024)} MB");
    }

    [Fact]
    public async Task JsonPatchPediaCluster_TooManyOperations_Is413NamingLimit()
    {
        var ops = string.Join(",", Enumerable.Repeat("""{"op":"test","path":"/kind","value":"PediaCluster"}""", 10_001));

        var (code, text) = await server.SendAsync(HttpMethod.Patch, _pediaClusters + "/target?dryRun=All", "application/json-patch+json", Encoding.UTF8.GetBytes($"[{ops}]"));

        LimitsServer.ShouldBeStatus(code, text, 413, "Limits:MaxJsonPatchOperations");
    }

    [Fact]
    public async Task JsonPatchPediaCluster_NestingPastDepthLimit_Is422NamingLimit()
    {
        // The value is 30 levels deep (the body is 32, within the limit), added 3 levels down: 33 > 32.
        var value = new string('[', 30) + new string(']', 30);
        var patch = $$$"""[{"op":"add","path":"/spec/a","value":{}},{"op":"add","path":"/spec/a/b","value":{{{value}}}}]""";

        var (code, text) = await server.SendAsync(HttpMethod.Patch, _pediaClusters + "/target?dryRun=All", "application/json-patch+json", Encoding.UTF8.GetBytes(patch));

        LimitsServer.ShouldBeStatus(code, text, 422, "Limits:MaxBodyDepth");
    }

    [Theory]
    [InlineData("""[{"op":1,"path":"/spec"}]""", "\"op\" must be a string")]
    [InlineData("""[{"op":"remove","path":7}]""", "\"path\" must be a string")]
    [InlineData("""[{"op":"move","from":["/spec"],"path":"/x"}]""", "\"from\" must be a string")]
    [InlineData("""[{"op":null,"path":"/spec"}]""", "has no \"op\"")]
    public async Task JsonPatchPediaCluster_MemberOfWrongType_Is400NamingIt(string patch, string mention)
    {
        var (code, text) = await server.SendAsync(HttpMethod.Patch, _pediaClusters + "/target?dryRun=All", "application/json-patch+json", Encoding.UTF8.GetBytes(patch));

        LimitsServer.ShouldBeStatus(code, text, 400, mention);
    }

    public static TheoryData<string, string, string> InvalidUtf8Requests => new()
    {
        { "POST", _pediaClusters, "application/json" },
        { "POST", _pediaClusters, "application/yaml" },
        { "PUT", _pediaClusters + "/target", "application/json" },
        { "PATCH", _pediaClusters + "/target", "application/merge-patch+json" },
        { "PATCH", _pediaClusters + "/target", "application/strategic-merge-patch+json" },
        { "PATCH", _pediaClusters + "/target?fieldManager=test", "application/apply-patch+yaml" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Requests))]
    public async Task Write_InvalidUtf8Body_Is400(string method, string path, string contentType)
    {
        var json = LimitsServer.PediaCluster("target", ""","labels":{"a":"@"}""");
        var body = Encoding.UTF8.GetBytes(json);
        body[Array.IndexOf(body, (byte)'@')] = 0xFF;

        var (code, text) = await server.SendAsync(new HttpMethod(method), path, contentType, body);

        LimitsServer.ShouldBeStatus(code, text, 400, "not valid UTF-8");
    }

    [Theory]
    [InlineData("application/json", ""","labels":{"a":"\ud800"}""", "unpaired UTF-16 surrogate")]
    [InlineData("application/json", ""","labels":{"\udc00":"a"}""", "unpaired UTF-16 surrogate")]
    [InlineData("application/yaml", ""","labels":{"a":"\ud800"}""", "surrogate")]
    [InlineData("application/json", ""","labels":{"a":"b","a":"c"}""", "\"a\" is repeated")]
    [InlineData("application/yaml", ""","labels":{"a":"b","a":"c"}""", "\"a\" is repeated")]
    public async Task CreatePediaCluster_UnrepresentableText_Is400(string contentType, string metadata, string mention)
    {
        var body = Encoding.UTF8.GetBytes(LimitsServer.PediaCluster("text", metadata));

        var (code, text) = await server.SendAsync(HttpMethod.Post, _pediaClusters + "?dryRun=All", contentType, body);

        LimitsServer.ShouldBeStatus(code, text, 400, mention);
    }

    [Theory]
    [InlineData(":\n[\nr")]
    [InlineData("apiVersion: v1\nspec: x\n:\n[\nr\n")]
    public async Task CreatePediaCluster_YamlTheParserThrowsOn_Is400(string yaml)
    {
        // YamlDotNet's scanner throws InvalidOperationException on these (found by fuzzing), which was a 500.
        var (code, text) = await server.SendAsync(HttpMethod.Post, _pediaClusters + "?dryRun=All", "application/yaml", Encoding.UTF8.GetBytes(yaml));

        LimitsServer.ShouldBeStatus(code, text, 400, "not valid YAML");
    }

    [Theory]
    [InlineData("ZZ-not-hex\r\n{}\r\n0\r\n\r\n")]
    [InlineData("FFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n")]
    public async Task CreatePediaCluster_MalformedChunkedBody_Is400Status(string chunks)
    {
        var head = $"POST {_pediaClusters} HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked";

        var (code, text) = await RawHttp.SendAsync(server.Server, head, Encoding.ASCII.GetBytes(chunks));

        LimitsServer.ShouldBeStatus(code, text, 400, "request body");
        await server.ShouldBeHealthyAsync();
    }
}
