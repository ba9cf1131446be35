using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Clusterpedia.ApiServer.Tests.Admission;

/// <summary>
/// The webhook endpoints over HTTPS without credentials, as kube-apiserver calls them: AdmissionReview answers, and a
/// 4xx Status for everything that is not a well-formed review.
/// </summary>
public sealed class AdmissionEndpointTests(AdmissionEnvironment env) : IClassFixture<AdmissionEnvironment>
{
    private const string _goodCluster = """{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"ok"},"spec":{"apiserver":"https://member"}}""";

    [Theory]
    [InlineData("{not json", "JSON")]
    [InlineData("[1]", "AdmissionReview object")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}""", "apiVersion: Unsupported value")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"Review"}""", "kind: Unsupported value")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}""", "request: Required value")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}""", "request.uid: Required value")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}}""", "request.uid: Invalid value")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"PATCH"}}""", "request.operation: Unsupported value")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE"}}""", "request.resource: Required value")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","resource":{"group":"g","version":"v1","resource":"r"}}}""", "request.object: Required value")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","resource":{"group":"g","version":"v1","resource":"r"},"object":"x"}}""", "request.object: Invalid value")]
    public async Task Post_MalformedReview_400NamingTheField(string body, string mention)
    {
        foreach (var path in new[] { "/admission/validate", "/admission/mutate" })
        {
            var (code, status) = await PostAsync(path, body);

            code.ShouldBe(400, status.ToJsonString());
            status["kind"]!.GetValue<string>().ShouldBe("Status");
            status["message"]!.GetValue<string>().ShouldContain(mention);
        }
    }

    [Fact]
    public async Task Post_DeeperThanLimit_400()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var (code, status) = await PostAsync("/admission/validate", $$$"""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","x":{{{deep}}}}}""");

        code.ShouldBe(400, status.ToJsonString());
    }

    [Fact]
    public async Task Post_NotJson_415()
    {
        using var http = env.AnonymousHttp();
        using var response = await http.PostAsync(new Uri(env.Server.Url, "/admission/validate"), new StringContent("x", Encoding.UTF8, "text/plain"));

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Get_AdmissionPath_405()
    {
        using var http = env.AnonymousHttp();
        using var response = await http.GetAsync(new Uri(env.Server.Url, "/admission/validate"));

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Anonymous_OtherPaths_StillUnauthorized()
    {
        using var http = env.AnonymousHttp();
        using var response = await http.GetAsync(new Uri(env.Server.Url, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters"));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Validate_GoodPediaCluster_AllowedWithUid()
    {
        var (code, review) = await PostAsync("/admission/validate", Review("uid-1", "CREATE", "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", _goodCluster));

        code.ShouldBe(200);
        review["apiVersion"]!.GetValue<string>().ShouldBe("admission.k8s.io/v1");
        review["kind"]!.GetValue<string>().ShouldBe("AdmissionReview");
        review["response"]!["uid"]!.GetValue<string>().ShouldBe("uid-1");
        review["response"]!["allowed"]!.GetValue<bool>().ShouldBeTrue();
        review["response"]!["patch"].ShouldBeNull();
    }

    [Fact]
    public async Task Validate_BadPediaCluster_Denied422WithCauses()
    {
        var bad = """{"metadata":{"name":"bad","labels":{"a":"b c"}},"spec":{"apiserver":"ftp://x","caData":"%"}}""";
        var (code, review) = await PostAsync("/admission/validate", Review("uid-2", "UPDATE", "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", bad));

        code.ShouldBe(200);
        var response = review["response"]!;
        response["allowed"]!.GetValue<bool>().ShouldBeFalse();
        response["status"]!["code"]!.GetValue<int>().ShouldBe(422);
        response["status"]!["reason"]!.GetValue<string>().ShouldBe("Invalid");
        response["status"]!["message"]!.GetValue<string>().ShouldStartWith("PediaCluster.cluster.clusterpedia.io \"bad\" is invalid: [");
        response["status"]!["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>())
            .ShouldBe(["metadata.labels", "spec.caData", "spec.apiserver"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("""{"metadata":["x"],"spec":{"apiserver":"https://a"}}""", "metadata")]
    [InlineData("""{"metadata":{"name":"x"},"spec":[1]}""", "spec")]
    [InlineData("""{"metadata":{"name":"x","labels":"a"},"spec":{"apiserver":"https://a"}}""", "metadata.labels")]
    [InlineData("""{"metadata":{"name":"x"},"spec":{"apiserver":"https://a","syncResources":[null,1,{"resources":[null]}]}}""", "spec.syncResources[0]")]
    public async Task Validate_HostileObject_DeniedNotFailed(string obj, string field)
    {
        var (code, review) = await PostAsync("/admission/validate", Review("uid-6", "CREATE", "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", obj));

        code.ShouldBe(200, review.ToJsonString());
        review["response"]!["allowed"]!.GetValue<bool>().ShouldBeFalse();
        review["response"]!["status"]!["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).ShouldContain(field);
    }

    [Fact]
    public async Task Validate_UpdateKeepingAnInvalidSpec_AllowedSoFinalizersCanGo()
    {
        var stored = """{"metadata":{"name":"old","finalizers":["clusterpedia.io/cluster-data"],"deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{"apiserver":"ftp://x"}}""";
        var released = """{"metadata":{"name":"old","deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{"apiserver":"ftp://x"}}""";
        var review = JsonNode.Parse(Review("uid-7", "UPDATE", "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", released))!;
        review["request"]!["oldObject"] = JsonNode.Parse(stored);
        var changed = JsonNode.Parse(review.ToJsonString())!;
        changed["request"]!["object"]!["spec"]!["caData"] = "%";

        var (_, kept) = await PostAsync("/admission/validate", review.ToJsonString());
        var (_, judged) = await PostAsync("/admission/validate", changed.ToJsonString());

        kept["response"]!["allowed"]!.GetValue<bool>().ShouldBeTrue();
        judged["response"]!["allowed"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Theory]
    [InlineData("DELETE", "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", "")]
    [InlineData("CONNECT", "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", "")]
    [InlineData("CREATE", "", "v1", "configmaps", "")]
    [InlineData("UPDATE", "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", "status")]
    public async Task Validate_NothingOfOursToJudge_Allowed(string operation, string group, string version, string resource, string subResource)
    {
        var review = JsonNode.Parse(Review("uid-3", operation, group, version, resource, """{"metadata":{"name":"x"}}"""))!;
        review["request"]!["subResource"] = subResource;

        var (code, answer) = await PostAsync("/admission/validate", review.ToJsonString());

        code.ShouldBe(200);
        answer["response"]!["allowed"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"a"}}""", """[{"op":"add","path":"/metadata/finalizers","value":["clusterpedia.io/cluster-data"]}]""")]
    [InlineData("""{"metadata":{"name":"a","finalizers":["x"]}}""", """[{"op":"add","path":"/metadata/finalizers/-","value":"clusterpedia.io/cluster-data"}]""")]
    [InlineData("""{"metadata":{"name":"a","finalizers":["clusterpedia.io/cluster-data"]}}""", null)]
    public async Task Mutate_PediaClusterCreate_FinalizerPatchOnlyWhenMissing(string obj, string? expected)
    {
        var (code, review) = await PostAsync("/admission/mutate", Review("uid-4", "CREATE", "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", obj));

        code.ShouldBe(200);
        var response = review["response"]!;
        response["allowed"]!.GetValue<bool>().ShouldBeTrue();
        if (expected is null)
        {
            response["patch"].ShouldBeNull();
            response["patchType"].ShouldBeNull();
            return;
        }

        response["patchType"]!.GetValue<string>().ShouldBe("JSONPatch");
        var patch = JsonNode.Parse(Convert.FromBase64String(response["patch"]!.GetValue<string>()));
        JsonNode.DeepEquals(patch, JsonNode.Parse(expected)).ShouldBeTrue(patch!.ToJsonString());
    }

    [Fact]
    public async Task Mutate_ClusterSyncResources_NoPatch()
    {
        var (_, review) = await PostAsync("/admission/mutate", Review("uid-5", "CREATE", "cluster.clusterpedia.io", "v1alpha2", "clustersyncresources", """{"metadata":{"name":"a"}}"""));

        review["response"]!["allowed"]!.GetValue<bool>().ShouldBeTrue();
        review["response"]!["patch"].ShouldBeNull();
    }

    private static string Review(string uid, string operation, string group, string version, string resource, string obj) => $$$"""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"{{{uid}}}","operation":"{{{operation}}}",
         "kind":{"group":"{{{group}}}","version":"{{{version}}}","kind":"K"},"resource":{"group":"{{{group}}}","version":"{{{version}}}","resource":"{{{resource}}}"},
         "name":"x","userInfo":{"username":"admin"},"object":{{{obj}}},"oldObject":null,"dryRun":false,"options":{} } }
        """;

    private async Task<(int Code, JsonNode Body)> PostAsync(string path, string body)
    {
        using var http = env.AnonymousHttp();
        using var response = await http.PostAsync(new Uri(env.Server.Url, path), new StringContent(body, Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
