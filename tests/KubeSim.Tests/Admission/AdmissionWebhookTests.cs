using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests.Admission;

/// <summary>
/// End to end: real kubectl against a TLS simulator whose webhook configurations call a real HTTPS webhook
/// (<see cref="TestWebhookServer"/>), checking what kube-apiserver documents: denials and their wording, mutations,
/// selectors, failure policies, timeouts, dry run and side effects, Service references, reinvocation and warnings.
/// </summary>
public sealed class AdmissionWebhookTests(TestWebhookServer webhook) : IClassFixture<TestWebhookServer>, IAsyncLifetime
{
    private static readonly GroupVersionResource _namespaces = new(string.Empty, "v1", "namespaces");
    private static readonly GroupVersionResource _configMaps = new(string.Empty, "v1", "configmaps");

    private readonly TempDirectory _files = new("kubesim-admission-");
    private SimulatedCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Tls = true, Namespaces = 0, Nodes = 1, RunControllers = false });

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _files.Delete();
    }

    [Theory]
    [InlineData(Kubectl.Oldest)]
    [InlineData(Kubectl.Newest)]
    public async Task Apply_ConfigMapLabelledDeny_PrintsDenial(string binary)
    {
        Register(WebhookConfigs.Validating("policy", WebhookConfigs.Hook("validate.example.com", WebhookConfigs.Url(webhook, "/validate"))));
        using var kubectl = new Kubectl(_cluster, binary);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", ConfigMap("denied", "default", "deny: \"true\""));
        var allowed = await kubectl.RunAsync("apply", "-f", ConfigMap("allowed", "default", "deny: \"false\""));

        exit.ShouldNotBe(0);
        error.ShouldContain("Error from server (Forbidden)");
        error.ShouldContain("admission webhook \"validate.example.com\" denied the request: objects labelled deny=true are not allowed");
        _cluster.Store.Get(_configMaps, "default", "denied").ShouldBeNull();
        allowed.ExitCode.ShouldBe(0, allowed.Stderr);
    }

    [Theory]
    [InlineData(Kubectl.Oldest)]
    [InlineData(Kubectl.Newest)]
    public async Task Apply_WebhookDeniesInvalidWithCauses_KubectlPrintsFieldCause(string binary)
    {
        Register(WebhookConfigs.Validating("schema", WebhookConfigs.Hook("invalid.example.com", WebhookConfigs.Url(webhook, "/invalid"))));
        using var kubectl = new Kubectl(_cluster, binary);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", ConfigMap("colored", "default", "app: demo"));
        var posted = _files.File("posted.json");
        await File.WriteAllTextAsync(posted, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"posted"}}""");
        var raw = await kubectl.RunAsync("create", "--raw", "/api/v1/namespaces/default/configmaps", "-f", posted);

        exit.ShouldNotBe(0);
        error.ShouldContain("The ConfigMap \"colored\" is invalid");
        error.ShouldContain("data.color: Unsupported value: \"blue\"");
        // kubectl prints a 422 from its details (kind, name) and causes, as for kube-apiserver relaying a webhook's
        // Invalid Status: without them it would print the bare message.
        raw.ExitCode.ShouldNotBe(0);
        raw.Stderr.ShouldContain("The ConfigMap \"posted\" is invalid: data.color: Unsupported value: \"blue\"");
    }

    [Theory]
    [InlineData(Kubectl.Oldest)]
    [InlineData(Kubectl.Newest)]
    public async Task Apply_MutatingWebhook_LabelVisibleOnGet(string binary)
    {
        Register(WebhookConfigs.Mutating("labeller", WebhookConfigs.Hook("mutate.example.com", WebhookConfigs.Url(webhook, "/mutate"))));
        using var kubectl = new Kubectl(_cluster, binary);

        await kubectl.OkAsync("apply", "-f", ConfigMap("plain", "default", "app: demo"));
        var label = await kubectl.OkAsync("get", "configmap", "plain", "-n", "default", "-o", "jsonpath={.metadata.labels.mutated}");

        label.ShouldBe("true");
    }

    [Fact]
    public async Task Apply_NamespaceSelector_OnlyLabelledNamespacesGuarded()
    {
        CreateNamespace("guarded", ("admission", "on"));
        CreateNamespace("open", null);
        var hook = WebhookConfigs.Hook("guard.example.com", WebhookConfigs.Url(webhook, "/deny-all"));
        hook["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["admission"] = "on" } };
        Register(WebhookConfigs.Validating("guard", hook));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var guarded = await kubectl.RunAsync("apply", "-f", ConfigMap("one", "guarded", null));
        var open = await kubectl.RunAsync("apply", "-f", ConfigMap("one", "open", null));

        guarded.ExitCode.ShouldNotBe(0);
        guarded.Stderr.ShouldContain("admission webhook \"guard.example.com\" denied the request: nothing passes");
        open.ExitCode.ShouldBe(0, open.Stderr);
    }

    [Fact]
    public async Task Apply_ObjectSelector_OnlySelectedObjectsSent()
    {
        var hook = WebhookConfigs.Hook("blue.example.com", WebhookConfigs.Url(webhook, "/deny-all"));
        hook["objectSelector"] = new JsonObject
        {
            ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "team", ["operator"] = "In", ["values"] = new JsonArray("blue") }),
        };
        Register(WebhookConfigs.Validating("blue", hook));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var blue = await kubectl.RunAsync("apply", "-f", ConfigMap("blue-cm", "default", "team: blue"));
        var red = await kubectl.RunAsync("apply", "-f", ConfigMap("red-cm", "default", "team: red"));

        blue.ExitCode.ShouldNotBe(0);
        blue.Stderr.ShouldContain("admission webhook \"blue.example.com\" denied the request: nothing passes");
        red.ExitCode.ShouldBe(0, red.Stderr);
        webhook.RequestsFor("/deny-all", "red-cm").ShouldBeEmpty();
    }

    [Theory]
    [InlineData(Kubectl.Oldest)]
    [InlineData(Kubectl.Newest)]
    public async Task Apply_WebhookDownFailurePolicyFail_InternalError(string binary)
    {
        var port = ClosedPort();
        Register(WebhookConfigs.Validating("down", WebhookConfigs.Hook("down.example.com", new JsonObject { ["url"] = $"https://127.0.0.1:{port}/validate" })));
        using var kubectl = new Kubectl(_cluster, binary);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", ConfigMap("cm", "default", null));

        exit.ShouldNotBe(0);
        error.ShouldContain("Error from server (InternalError)");
        error.ShouldContain(
            $"Internal error occurred: failed calling webhook \"down.example.com\": failed to call webhook: Post \"https://127.0.0.1:{port}/validate?timeout=10s\": dial tcp 127.0.0.1:{port}: connect: connection refused");
    }

    [Fact]
    public async Task Apply_WebhookDownFailurePolicyIgnore_Created()
    {
        var hook = WebhookConfigs.Hook("down.example.com", new JsonObject { ["url"] = $"https://127.0.0.1:{ClosedPort()}/validate" });
        hook["failurePolicy"] = "Ignore";
        Register(WebhookConfigs.Validating("down", hook));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        await kubectl.OkAsync("apply", "-f", ConfigMap("cm", "default", null));

        _cluster.Store.Get(_configMaps, "default", "cm").ShouldNotBeNull();
    }

    [Fact]
    public async Task Apply_WebhookSlowerThanTimeout_DeadlineExceeded()
    {
        var hook = WebhookConfigs.Hook("slow.example.com", WebhookConfigs.Url(webhook, "/slow"));
        hook["timeoutSeconds"] = 1;
        Register(WebhookConfigs.Validating("slow", hook));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", ConfigMap("cm", "default", null));

        exit.ShouldNotBe(0);
        error.ShouldContain($"failed calling webhook \"slow.example.com\": failed to call webhook: Post \"{webhook.Url("/slow")}?timeout=1s\": context deadline exceeded");
    }

    [Fact]
    public async Task ApplyDryRun_WebhookWithSideEffects_Rejected()
    {
        // v1 only accepts None and NoneOnDryRun; a configuration from before (v1beta1 "Some") is stored in-process.
        var hook = WebhookConfigs.Hook("effects.example.com", WebhookConfigs.Url(webhook, "/validate"));
        hook["sideEffects"] = "Some";
        Register(WebhookConfigs.Validating("effects", hook));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var (exit, _, error) = await kubectl.RunAsync("apply", "--dry-run=server", "-f", ConfigMap("effects-cm", "default", null));

        exit.ShouldNotBe(0);
        error.ShouldContain("admission webhook \"effects.example.com\" does not support dry run");
        webhook.RequestsFor("/validate", "effects-cm").ShouldBeEmpty();
    }

    [Fact]
    public async Task ApplyDryRun_SideEffectsNone_WebhookCalledWithDryRun()
    {
        Register(WebhookConfigs.Validating("policy", WebhookConfigs.Hook("validate.example.com", WebhookConfigs.Url(webhook, "/validate"))));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        await kubectl.OkAsync("apply", "--dry-run=server", "-f", ConfigMap("dry-cm", "default", null));

        var request = webhook.RequestsFor("/validate", "dry-cm").ShouldHaveSingleItem();
        request["dryRun"]!.GetValue<bool>().ShouldBeTrue();
        request["options"]!["dryRun"]![0]!.GetValue<string>().ShouldBe("All");
        _cluster.Store.Get(_configMaps, "default", "dry-cm").ShouldBeNull();
    }

    [Fact]
    public async Task Apply_ServiceClientConfig_ReachesWebhookThroughEndpoints()
    {
        _cluster.Store.Create(new GroupVersionResource(string.Empty, "v1", "services"), "default", $$"""
            {"metadata":{"name":"{{TestWebhookServer.ServiceName}}"},"spec":{"ports":[{"name":"https","port":443,"targetPort":8443}]} }
            """);
        _cluster.Store.Create(new GroupVersionResource(string.Empty, "v1", "endpoints"), "default", $$$"""
            {"metadata":{"name":"{{{TestWebhookServer.ServiceName}}}"},"subsets":[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"name":"https","port":{{{webhook.Port}}} }]}]}
            """);
        Register(WebhookConfigs.Validating("svc", WebhookConfigs.Hook("svc.example.com", WebhookConfigs.Service(webhook, "/validate"))));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", ConfigMap("via-service", "default", "deny: \"true\""));

        exit.ShouldNotBe(0);
        error.ShouldContain("admission webhook \"svc.example.com\" denied the request: objects labelled deny=true are not allowed");
    }

    [Fact]
    public async Task LabelThenDelete_UpdateAndDeleteRules_DeniedWithOldObject()
    {
        _cluster.Store.Create(_configMaps, "default", """{"metadata":{"name":"kept"},"data":{"a":"b"}}""");
        Register(WebhookConfigs.Validating("policy", WebhookConfigs.Hook("validate.example.com", WebhookConfigs.Url(webhook, "/validate"))));
        Register(WebhookConfigs.Validating("no-delete", WebhookConfigs.Hook("nodelete.example.com", WebhookConfigs.Url(webhook, "/deny-all"),
            new JsonArray(WebhookConfigs.Rule(["DELETE"], ["configmaps"])))));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var label = await kubectl.RunAsync("label", "configmap", "kept", "-n", "default", "deny=true");
        var delete = await kubectl.RunAsync("delete", "configmap", "kept", "-n", "default");

        label.ExitCode.ShouldNotBe(0);
        label.Stderr.ShouldContain("admission webhook \"validate.example.com\" denied the request: objects labelled deny=true are not allowed");
        delete.ExitCode.ShouldNotBe(0);
        delete.Stderr.ShouldContain("admission webhook \"nodelete.example.com\" denied the request: nothing passes");
        var deleteReview = webhook.RequestsFor("/deny-all", "kept").ShouldHaveSingleItem();
        deleteReview["operation"]!.GetValue<string>().ShouldBe("DELETE");
        deleteReview["object"].ShouldBeNull();
        deleteReview["oldObject"]!["metadata"]!["name"]!.GetValue<string>().ShouldBe("kept");
        deleteReview["options"]!["kind"]!.GetValue<string>().ShouldBe("DeleteOptions");
        _cluster.Store.Get(_configMaps, "default", "kept").ShouldNotBeNull();
    }

    [Fact]
    public async Task DeleteCollection_DeleteRuleWithObjectSelector_SelectedObjectKept()
    {
        _cluster.Store.Create(_configMaps, "default", """{"metadata":{"name":"protected","labels":{"keep":"yes"}}}""");
        _cluster.Store.Create(_configMaps, "default", """{"metadata":{"name":"disposable"}}""");
        var hook = WebhookConfigs.Hook("keep.example.com", WebhookConfigs.Url(webhook, "/deny-all"), new JsonArray(WebhookConfigs.Rule(["DELETE"], ["configmaps"])));
        hook["objectSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["keep"] = "yes" } };
        Register(WebhookConfigs.Validating("keep", hook));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var disposable = await kubectl.RunAsync("delete", "configmap", "disposable", "-n", "default");
        // A DELETE of the collection itself (deletecollection), which admits each object as its own DELETE.
        var all = await kubectl.RunAsync("delete", "--raw", "/api/v1/namespaces/default/configmaps");

        disposable.ExitCode.ShouldBe(0, disposable.Stderr);
        all.ExitCode.ShouldNotBe(0);
        all.Stderr.ShouldContain("admission webhook \"keep.example.com\" denied the request: nothing passes");
        _cluster.Store.Get(_configMaps, "default", "protected").ShouldNotBeNull();
    }

    [Fact]
    public async Task Scale_ScaleSubresourceRule_DeniedWithScaleObject()
    {
        _cluster.Store.Create(new GroupVersionResource("apps", "v1", "deployments"), "default", """
            {"metadata":{"name":"web"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}
            """);
        Register(WebhookConfigs.Validating("no-scale", WebhookConfigs.Hook("noscale.example.com", WebhookConfigs.Url(webhook, "/deny-all"),
            new JsonArray(WebhookConfigs.Rule(["UPDATE"], ["deployments/scale"], "apps")))));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var scale = await kubectl.RunAsync("scale", "deployment", "web", "-n", "default", "--replicas=3");
        var annotate = await kubectl.RunAsync("annotate", "deployment", "web", "-n", "default", "note=ok");

        scale.ExitCode.ShouldNotBe(0);
        scale.Stderr.ShouldContain("admission webhook \"noscale.example.com\" denied the request: nothing passes");
        annotate.ExitCode.ShouldBe(0, annotate.Stderr);
        var review = webhook.RequestsFor("/deny-all", "web").ShouldHaveSingleItem();
        review["subResource"]!.GetValue<string>().ShouldBe("scale");
        review["kind"]!["kind"]!.GetValue<string>().ShouldBe("Scale");
        review["object"]!["spec"]!["replicas"]!.GetValue<int>().ShouldBe(3);
    }

    [Theory]
    [InlineData("Equivalent", true)]
    [InlineData("Exact", false)]
    public async Task Apply_RuleForOtherVersion_MatchPolicyDecides(string matchPolicy, bool denied)
    {
        var hook = WebhookConfigs.Hook("hpa.example.com", WebhookConfigs.Url(webhook, "/deny-all"),
            new JsonArray(WebhookConfigs.Rule(["CREATE"], ["horizontalpodautoscalers"], "autoscaling", "v1")));
        hook["matchPolicy"] = matchPolicy;
        Register(WebhookConfigs.Validating("hpa", hook));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);
        var manifest = _files.File("hpa.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web-hpa, namespace: default}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              minReplicas: 1
              maxReplicas: 3
            """);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", manifest);

        if (!denied)
        {
            exit.ShouldBe(0, error);
            return;
        }

        exit.ShouldNotBe(0);
        error.ShouldContain("admission webhook \"hpa.example.com\" denied the request: nothing passes");
        var review = webhook.Received.Where(r => r.Path == "/deny-all" && r.Request["requestKind"]?["kind"]?.GetValue<string>() == "HorizontalPodAutoscaler")
            .Select(r => r.Request).Last();
        review["kind"]!.ToJsonString().ShouldBe("""{"group":"autoscaling","version":"v1","kind":"HorizontalPodAutoscaler"}""");
        review["requestKind"]!.ToJsonString().ShouldBe("""{"group":"autoscaling","version":"v2","kind":"HorizontalPodAutoscaler"}""");
        review["object"]!["apiVersion"]!.GetValue<string>().ShouldBe("autoscaling/v1");
    }

    [Fact]
    public async Task Apply_ReinvocationIfNeeded_FirstWebhookSeesLaterMutation()
    {
        var counter = WebhookConfigs.Hook("count.example.com", WebhookConfigs.Url(webhook, "/count-labels"));
        counter["reinvocationPolicy"] = "IfNeeded";
        Register(WebhookConfigs.Mutating("a-counter", counter));
        Register(WebhookConfigs.Mutating("b-labeller", WebhookConfigs.Hook("mutate.example.com", WebhookConfigs.Url(webhook, "/mutate"))));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        await kubectl.OkAsync("apply", "-f", ConfigMap("counted", "default", "app: demo"));
        var seen = await kubectl.OkAsync("get", "configmap", "counted", "-n", "default", "-o", "jsonpath={.metadata.annotations.labels-seen}");

        // app, then app and mutated once the counter is called again after the labeller.
        seen.ShouldBe("2");
        webhook.RequestsFor("/count-labels", "counted").Count.ShouldBe(2);
    }

    [Fact]
    public async Task Apply_WebhookWarning_PrintedByKubectl()
    {
        Register(WebhookConfigs.Validating("policy", WebhookConfigs.Hook("validate.example.com", WebhookConfigs.Url(webhook, "/validate"))));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", ConfigMap("warned", "default", "warn: \"true\""));

        exit.ShouldBe(0, error);
        error.ShouldContain("Warning: the warn label is deprecated");
    }

    [Fact]
    public async Task Create_AdmissionReview_CarriesRequestAttributesAndUser()
    {
        Register(WebhookConfigs.Validating("policy", WebhookConfigs.Hook("validate.example.com", WebhookConfigs.Url(webhook, "/validate"))));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        await kubectl.OkAsync("apply", "-f", ConfigMap("reviewed", "default", null));

        var request = webhook.RequestsFor("/validate", "reviewed").ShouldHaveSingleItem();
        request["operation"]!.GetValue<string>().ShouldBe("CREATE");
        request["namespace"]!.GetValue<string>().ShouldBe("default");
        request["kind"]!.ToJsonString().ShouldBe("""{"group":"","version":"v1","kind":"ConfigMap"}""");
        request["resource"]!.ToJsonString().ShouldBe("""{"group":"","version":"v1","resource":"configmaps"}""");
        request["requestResource"]!.ToJsonString().ShouldBe("""{"group":"","version":"v1","resource":"configmaps"}""");
        request["userInfo"]!["username"]!.GetValue<string>().ShouldBe("kubernetes-admin");
        request["userInfo"]!["groups"]!.AsArray().Select(g => g!.GetValue<string>()).ShouldBe(["system:masters", "system:authenticated"]);
        request["options"]!["kind"]!.GetValue<string>().ShouldBe("CreateOptions");
        request["dryRun"]!.GetValue<bool>().ShouldBeFalse();
        request["object"]!["data"]!["key"]!.GetValue<string>().ShouldBe("value");
        request["oldObject"].ShouldBeNull();
    }

    [Fact]
    public async Task Apply_ResponseWithWrongUid_CallFailure()
    {
        Register(WebhookConfigs.Validating("liar", WebhookConfigs.Hook("liar.example.com", WebhookConfigs.Url(webhook, "/wrong-uid"))));
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", ConfigMap("cm", "default", null));

        exit.ShouldNotBe(0);
        error.ShouldContain("Internal error occurred: failed calling webhook \"liar.example.com\": received invalid webhook response: expected response.uid=");
        error.ShouldContain("got \"not-the-uid\"");
    }

    private void Register(JsonObject configuration)
    {
        var resource = configuration["kind"]!.GetValue<string>() == "MutatingWebhookConfiguration" ? WebhookConfigs.MutatingResource : WebhookConfigs.ValidatingResource;
        _cluster.Store.Create(resource, null, configuration);
    }

    private void CreateNamespace(string name, (string Key, string Value)? label)
    {
        var labels = new JsonObject();
        if (label is { } given)
        {
            labels[given.Key] = given.Value;
        }

        _cluster.Store.Create(_namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels } });
    }

    private string ConfigMap(string name, string ns, string? label)
    {
        var path = _files.File($"{ns}-{name}.yaml");
        var labels = label is null ? string.Empty : $"\n  labels:\n    {label}";
        File.WriteAllText(path, $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}{labels}\ndata:\n  key: value\n");
        return path;
    }

    /// <summary>A loopback port nothing listens on: taken from the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
