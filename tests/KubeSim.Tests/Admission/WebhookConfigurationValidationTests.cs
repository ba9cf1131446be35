using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Tests.Admission;

/// <summary>
/// Webhook configurations written through kubectl are validated as kube-apiserver validates admissionregistration/v1:
/// 422 naming the field, in its words.
/// </summary>
public sealed class WebhookConfigurationValidationTests : IAsyncLifetime
{
    private readonly TempDirectory _files = new("kubesim-admission-validation-");
    private SimulatedCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Tls = true, Namespaces = 0, Nodes = 0, RunControllers = false });

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _files.Delete();
    }

    [Theory]
    [InlineData(Kubectl.Oldest)]
    [InlineData(Kubectl.Newest)]
    public async Task Apply_ValidConfiguration_Created(string binary)
    {
        using var kubectl = new Kubectl(_cluster, binary);

        var output = await kubectl.OkAsync("apply", "-f", Write(Valid()));

        output.ShouldContain("validatingwebhookconfiguration.admissionregistration.k8s.io/policy created");
    }

    [Theory]
    [InlineData("missing-side-effects", "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun")]
    [InlineData("side-effects-some", "webhooks[0].sideEffects: Unsupported value: \"Some\": supported values: \"None\", \"NoneOnDryRun\"")]
    [InlineData("review-v2", "webhooks[0].admissionReviewVersions: Invalid value: []string{\"v2\"}: must include at least one of v1, v1beta1")]
    [InlineData("url-and-service", "webhooks[0].clientConfig: Required value: exactly one of url or service is required")]
    [InlineData("http-url", "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]")]
    [InlineData("star-and-pods", "webhooks[0].rules[0].resources: Invalid value: []string{\"*\", \"pods\"}: if '*' is present, must not specify other resources without subresources")]
    [InlineData("bad-operation", "webhooks[0].rules[0].operations[0]: Unsupported value: \"PATCH\": supported values: \"*\", \"CONNECT\", \"CREATE\", \"DELETE\", \"UPDATE\"")]
    [InlineData("timeout-31", "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds")]
    [InlineData("short-name", "webhooks[0].name: Invalid value: \"deny\": should be a domain with at least three segments separated by dots")]
    [InlineData("match-conditions", "webhooks[0].matchConditions: Forbidden: matchConditions (CEL expressions) are not supported by this simulator")]
    public async Task Apply_InvalidConfiguration_422NamingTheField(string mistake, string expected)
    {
        var configuration = Valid();
        var hook = configuration["webhooks"]![0]!.AsObject();
        var client = hook["clientConfig"]!.AsObject();
        var rule = hook["rules"]![0]!.AsObject();
        switch (mistake)
        {
            case "missing-side-effects": hook.Remove("sideEffects"); break;
            case "side-effects-some": hook["sideEffects"] = "Some"; break;
            case "review-v2": hook["admissionReviewVersions"] = new JsonArray("v2"); break;
            case "url-and-service": client["service"] = new JsonObject { ["namespace"] = "default", ["name"] = "webhook" }; break;
            case "http-url": client["url"] = "http://127.0.0.1:8443/validate"; break;
            case "star-and-pods": rule["resources"] = new JsonArray("*", "pods"); break;
            case "bad-operation": rule["operations"] = new JsonArray("PATCH"); break;
            case "timeout-31": hook["timeoutSeconds"] = 31; break;
            case "short-name": hook["name"] = "deny"; break;
            case "match-conditions":
                hook["matchConditions"] = new JsonArray(new JsonObject { ["name"] = "x", ["expression"] = "true" });
                break;
        }

        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);

        var (exit, _, error) = await kubectl.RunAsync("apply", "-f", Write(configuration));

        exit.ShouldNotBe(0);
        error.ShouldContain("The ValidatingWebhookConfiguration \"policy\" is invalid");
        error.ShouldContain(expected);
        _cluster.Store.List(WebhookConfigs.ValidatingResource).ShouldBeEmpty();
    }

    [Fact]
    public async Task Patch_UpdateBreakingConfiguration_Rejected()
    {
        using var kubectl = new Kubectl(_cluster, Kubectl.Newest);
        await kubectl.OkAsync("apply", "-f", Write(Valid()));

        var (exit, _, error) = await kubectl.RunAsync(
            "patch", "validatingwebhookconfiguration", "policy", "--type=json", "-p", """[{"op":"add","path":"/webhooks/0/failurePolicy","value":"Maybe"}]""");

        exit.ShouldNotBe(0);
        error.ShouldContain("webhooks[0].failurePolicy: Unsupported value: \"Maybe\": supported values: \"Fail\", \"Ignore\"");
    }

    private static JsonObject Valid() => WebhookConfigs.Validating("policy", WebhookConfigs.Hook(
        "validate.example.com", new JsonObject { ["url"] = "https://127.0.0.1:8443/validate" }));

    private string Write(JsonObject configuration)
    {
        var path = _files.File(Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, configuration.ToJsonString());
        return path;
    }
}
