using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Tests.Security;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// The DeleteOptions body of a DELETE on our own objects, read as kube-apiserver reads it: kubectl sends
/// <c>--dry-run=server</c> there and not in the query, preconditions guard the deletion with a 409, and a body that is
/// not valid DeleteOptions is a 400 or a 422 that names the field.
/// </summary>
public sealed class DeleteOptionsTests(StandaloneServer server) : IClassFixture<StandaloneServer>
{
    private const string _pediaClusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";

    // Nothing but the test writes these (the synchro writes a PediaCluster's status), so resourceVersions hold still.
    private const string _syncResources = "/apis/cluster.clusterpedia.io/v1alpha2/clustersyncresources";

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task KubectlDelete_DryRunServer_KeepsTheObject(string binary)
    {
        var name = Unique("dry");
        await CreateAsync(_pediaClusters, name, "");
        using var admin = await server.KubectlAsync(StandaloneServer.AdminToken, binary);

        var output = await admin.OkAsync("delete", "pediacluster", name, "--dry-run=server");

        output.ShouldContain($"pediacluster.cluster.clusterpedia.io \"{name}\" deleted (server dry run)");
        var kept = await GetAsync(_pediaClusters, name);
        kept.Code.ShouldBe(200, "kubectl --dry-run=server deleted the object");
        kept.Body!["metadata"]!["deletionTimestamp"].ShouldBeNull();
        await admin.OkAsync("delete", "pediacluster", name);
        (await GetAsync(_pediaClusters, name)).Code.ShouldBe(404);
    }

    [Fact]
    public async Task Delete_DryRunInBodyWithFinalizer_AnswersTheMarkedObjectAndStoresNothing()
    {
        var name = Unique("dryheld");
        var revision = await CreateAsync(_syncResources, name, ""","finalizers":["example.com/hold"]""");

        var (code, body) = await DeleteAsync(_syncResources, name, """{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background","dryRun":["All"]}""");

        code.ShouldBe(200, body?.ToJsonString());
        body!["metadata"]!["deletionTimestamp"].ShouldNotBeNull();
        var kept = await GetAsync(_syncResources, name);
        kept.Body!["metadata"]!["deletionTimestamp"].ShouldBeNull();
        kept.Body["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe(revision);
    }

    [Fact]
    public async Task Delete_PreconditionsOfAnotherObject_Is409AndKeepsIt()
    {
        var name = Unique("pre");
        var revision = await CreateAsync(_syncResources, name, "");
        var uid = (await GetAsync(_syncResources, name)).Body!["metadata"]!["uid"]!.GetValue<string>();

        var (code, body) = await DeleteAsync(_syncResources, name, """{"preconditions":{"uid":"not-the-uid"}}""");
        ShouldBeStatus(code, body, 409, "Conflict", $"Precondition failed: UID in precondition: not-the-uid, UID in object meta: {uid}");
        (code, body) = await DeleteAsync(_syncResources, name, """{"preconditions":{"resourceVersion":"1"}}""");
        ShouldBeStatus(code, body, 409, "Conflict", $"Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: {revision}");
        (await GetAsync(_syncResources, name)).Code.ShouldBe(200);

        (code, body) = await DeleteAsync(_syncResources, name, $$$"""{"preconditions":{"uid":"{{{uid}}}","resourceVersion":"{{{revision}}}"}}""");
        code.ShouldBe(200, body?.ToJsonString());
        (await GetAsync(_syncResources, name)).Code.ShouldBe(404);
    }

    [Theory]
    [InlineData("application/json", "[1]", 400, "BadRequest", "DeleteOptions: the body must be a JSON object")]
    [InlineData("application/json", "{\"dryRun\":", 400, "BadRequest", "not valid JSON")]
    [InlineData("application/json", """{"kind":"Pod"}""", 400, "BadRequest", "the kind in the data (Pod) does not match the expected kind (DeleteOptions)")]
    [InlineData("application/json", """{"apiVersion":"apps/v1"}""", 400, "BadRequest", "the API version in the data (apps/v1) does not match")]
    [InlineData("application/json", """{"dryRun":"All"}""", 400, "BadRequest", "DeleteOptions.dryRun: must be an array of strings")]
    [InlineData("application/json", """{"preconditions":{"uid":5}}""", 400, "BadRequest", "DeleteOptions.preconditions.uid: must be a string")]
    [InlineData("application/json", """{"gracePeriodSeconds":"soon"}""", 400, "BadRequest", "DeleteOptions.gracePeriodSeconds: must be an integer")]
    [InlineData("application/json", """{"dryRun":["Some"]}""", 422, "Invalid", "dryRun: Unsupported value: \"Some\": supported values: \"All\"")]
    [InlineData("application/json", """{"propagationPolicy":"Sideways"}""", 422, "Invalid", "propagationPolicy: Unsupported value: \"Sideways\": supported values: \"Foreground\", \"Background\", \"Orphan\"")]
    [InlineData("application/json", """{"propagationPolicy":"Orphan","orphanDependents":true}""", 422, "Invalid", "orphanDependents and deletionPropagation cannot be both set")]
    [InlineData("text/plain", "dry", 415, "UnsupportedMediaType", "text/plain")]
    public async Task Delete_BadOptions_ClearErrorAndKeepsTheObject(string contentType, string options, int expected, string reason, string mention)
    {
        var name = Unique("bad");
        await CreateAsync(_syncResources, name, "");

        var (code, body) = await DeleteAsync(_syncResources, name, options, contentType);

        code.ShouldBe(expected, body?.ToJsonString());
        body!["kind"]!.GetValue<string>().ShouldBe("Status");
        body["reason"]!.GetValue<string>().ShouldBe(reason);
        body["message"]!.GetValue<string>().ShouldContain(mention, Case.Sensitive);
        (await GetAsync(_syncResources, name)).Code.ShouldBe(200, "a refused deletion removed the object");
    }

    /// <summary>
    /// Creates a PediaCluster or a ClusterSyncResources (extra metadata members in ",..." form) and returns its
    /// resourceVersion.
    /// </summary>
    private async Task<string> CreateAsync(string collection, string name, string metadata)
    {
        var json = collection == _pediaClusters
            ? $$$"""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"{{{name}}}"{{{metadata}}}},"spec":{"apiserver":"https://127.0.0.1:1","syncResources":[]}}"""
            : $$$"""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"ClusterSyncResources","metadata":{"name":"{{{name}}}"{{{metadata}}}},"spec":{"syncResources":[{"group":"apps","resources":["deployments"]}]}}""";
        var (code, body) = await SendAsync(HttpMethod.Post, collection, "application/json", json);
        code.ShouldBe(201, body?.ToJsonString());
        return body!["metadata"]!["resourceVersion"]!.GetValue<string>();
    }

    private Task<(int Code, JsonNode? Body)> GetAsync(string collection, string name) => SendAsync(HttpMethod.Get, $"{collection}/{name}", null, null);

    private Task<(int Code, JsonNode? Body)> DeleteAsync(string collection, string name, string options, string contentType = "application/json") =>
        SendAsync(HttpMethod.Delete, $"{collection}/{name}", contentType, options);

    private async Task<(int Code, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? contentType, string? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.Url, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StandaloneServer.AdminToken);
        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static void ShouldBeStatus(int code, JsonNode? body, int expected, string reason, string mention)
    {
        code.ShouldBe(expected, body?.ToJsonString());
        body!["kind"]!.GetValue<string>().ShouldBe("Status");
        body["reason"]!.GetValue<string>().ShouldBe(reason);
        body["message"]!.GetValue<string>().ShouldContain(mention, Case.Sensitive);
    }
}
