using System.Text;
using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// Malformed metadata on our own objects is a 422 Invalid whose details.causes name the field, whichever way the
/// object is written (create, update, and each patch type), as kube-apiserver answers; none is stored or a 500.
/// </summary>
[Collection(HardeningCollection.Name)]
public sealed class OwnObjectMetadataTests(LimitsServer server)
{
    /// <summary>(member of metadata, its JSON value, the field a cause must name).</summary>
    private static readonly (string Member, string Value, string Field)[] _badMetadata =
    [
        ("finalizers", "[1]", "metadata.finalizers[0]"),
        ("finalizers", "\"clusterpedia.io/cluster-data\"", "metadata.finalizers"),
        ("labels", """{"a":1}""", "metadata.labels[a]"),
        ("labels", "[]", "metadata.labels"),
        ("labels", """{"bad key":"v"}""", "metadata.labels"),
        ("labels", """{"a":"-starts-with-dash"}""", "metadata.labels"),
        ("annotations", "\"x\"", "metadata.annotations"),
        ("annotations", """{"a":{"b":"c"}}""", "metadata.annotations[a]"),
        ("ownerReferences", """[{"apiVersion":"v1","kind":1,"name":"n","uid":"u"}]""", "metadata.ownerReferences[0].kind"),
        ("ownerReferences", """{"a":"b"}""", "metadata.ownerReferences"),
    ];

    private static readonly string[] _writes = ["create", "update", "merge", "strategic", "json", "apply"];

    public static TheoryData<string, string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var resource in new[] { LimitsServer.PediaClusters, LimitsServer.SyncResources })
        {
            foreach (var write in _writes)
            {
                foreach (var (member, value, field) in _badMetadata)
                {
                    data.Add(resource, write, member, value, field);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Write_MalformedMetadata_Is422NamingField(string resource, string write, string member, string value, string field)
    {
        var fragment = $",\"{member}\":{value}";
        Func<string, string, string> whole = resource == LimitsServer.PediaClusters ? LimitsServer.PediaCluster : LimitsServer.SyncResourcesObject;
        var (method, path, contentType, body) = write switch
        {
            "create" => ("POST", resource, "application/json", whole("meta-new", fragment)),
            "update" => ("PUT", resource + "/target", "application/json", whole("target", fragment)),
            "merge" => ("PATCH", resource + "/target", "application/merge-patch+json", $"{{\"metadata\":{{{fragment[1..]}}}}}"),
            "strategic" => ("PATCH", resource + "/target", "application/strategic-merge-patch+json", $"{{\"metadata\":{{{fragment[1..]}}}}}"),
            "json" => ("PATCH", resource + "/target", "application/json-patch+json", $"[{{\"op\":\"add\",\"path\":\"/metadata/{member}\",\"value\":{value}}}]"),
            _ => ("PATCH", resource + "/target?fieldManager=test", "application/apply-patch+yaml", whole("target", fragment)),
        };

        var (code, text) = await server.SendAsync(new HttpMethod(method), path, contentType, Encoding.UTF8.GetBytes(body));

        var status = LimitsServer.ShouldBeStatus(code, text, 422, field);
        status.GetProperty("reason").GetString().ShouldBe("Invalid");
        var causes = status.GetProperty("details").GetProperty("causes").EnumerateArray().Select(c => c.GetProperty("field").GetString()).ToList();
        causes.ShouldContain(field, text);
    }

    [Fact]
    public async Task CreatePediaCluster_AnnotationsOverTotalSize_Is422NamingLimit()
    {
        var fragment = $$$""","annotations":{"a":"{{{new string('x', 200 * 1024)}}}","b":"{{{new string('y', 100 * 1024)}}}"}""";

        var (code, text) = await server.SendAsync(HttpMethod.Post, LimitsServer.PediaClusters + "?dryRun=All", "application/json", Encoding.UTF8.GetBytes(LimitsServer.PediaCluster("annotated", fragment)));

        var status = LimitsServer.ShouldBeStatus(code, text, 422, "Limits:MaxAnnotationsBytes");
        status.GetProperty("details").GetProperty("causes")[0].GetProperty("field").GetString().ShouldBe("metadata.annotations");
    }

    [Fact]
    public async Task CreatePediaCluster_WellFormedMetadata_IsAccepted()
    {
        var fragment = """
            ,"labels":{"team":"search","example.com/tier":"gold_1","empty":""},
            "annotations":{"example.com/note":"anything: at all\n","Upper/Name":"ok"},
            "finalizers":["example.com/keep"],
            "ownerReferences":[{"apiVersion":"v1","kind":"Namespace","name":"n","uid":"0000","controller":true,"blockOwnerDeletion":false}]
            """;

        var (code, text) = await server.SendAsync(HttpMethod.Post, LimitsServer.PediaClusters + "?dryRun=All", "application/json", Encoding.UTF8.GetBytes(LimitsServer.PediaCluster("well-formed", fragment)));

        code.ShouldBe(201, text);
        var finalizers = JsonDocument.Parse(text).RootElement.GetProperty("metadata").GetProperty("finalizers").EnumerateArray().Select(f => f.GetString()).ToList();
        finalizers.ShouldBe(["example.com/keep", "clusterpedia.io/cluster-data"]);
    }

    [Fact]
    public async Task CreatePediaCluster_ManyBadLabels_ReportsTheFirstHundred()
    {
        var labels = string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"\"k{i}\":{i}"));

        var (code, text) = await server.SendAsync(HttpMethod.Post, LimitsServer.PediaClusters + "?dryRun=All", "application/json", Encoding.UTF8.GetBytes(LimitsServer.PediaCluster("many", $",\"labels\":{{{labels}}}")));

        var status = LimitsServer.ShouldBeStatus(code, text, 422, "4900 more errors not shown");
        status.GetProperty("details").GetProperty("causes").GetArrayLength().ShouldBe(101);
    }

    [Theory]
    [InlineData("POST", "?dryRun=all")]
    [InlineData("POST", "?dryRun=true")]
    [InlineData("POST", "?dryRun=All&dryRun=x")]
    [InlineData("PATCH", "/target?dryRun=")]
    public async Task Write_UnsupportedDryRun_Is400AndWritesNothing(string method, string pathAndQuery)
    {
        var (body, contentType) = method == "POST"
            ? (LimitsServer.PediaCluster("dry-run-typo", ""), "application/json")
            : ("""{"metadata":{"labels":{"dry-run-typo":"x"}}}""", "application/merge-patch+json");

        var (code, text) = await server.SendAsync(new HttpMethod(method), LimitsServer.PediaClusters + pathAndQuery, contentType, Encoding.UTF8.GetBytes(body));

        LimitsServer.ShouldBeStatus(code, text, 400, "dryRun: Unsupported value");
        (code, text) = await server.SendAsync(HttpMethod.Get, LimitsServer.PediaClusters, "application/json", []);
        text.ShouldNotContain("dry-run-typo");
    }
}
