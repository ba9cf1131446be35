using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>Event types of the search watch: objects created after the watch's resourceVersion are ADDED, as in kube.</summary>
public sealed class SearchWatchTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private const string _pods = "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods";
    private static readonly GroupVersionResource _pod = new("", "v1", "pods");

    private static string PodJson(string name) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"labels\":{\"app\":\"added-test\"}}," +
        "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}],\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Pending\"}}";

    [Fact]
    public async Task Watch_PodCreatedAfterWatchStarts_IsAddedThenModified()
    {
        var name = "added-" + Guid.NewGuid().ToString("N")[..8];
        using var list = await env.Http.GetAsync(new Uri(env.Server, $"{_pods}?labelSelector=app%3Dadded-test"));
        var listed = JsonNode.Parse(await list.Content.ReadAsStringAsync())!["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await env.Http.GetAsync(
            new Uri(env.Server, $"{_pods}?watch=true&labelSelector=app%3Dadded-test&resourceVersion={listed}"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        ((int)response.StatusCode).ShouldBe(200);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        env.Cluster1.Store.Create(_pod, "default", PodJson(name));
        var types = new List<string>();
        var modified = false;
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            var e = JsonNode.Parse(line)!;
            if (e["object"]?["metadata"]?["name"]?.GetValue<string>() != name)
            {
                continue;
            }

            types.Add(e["type"]!.GetValue<string>());
            if (types.Count == 1)
            {
                // Changed only once the creation was seen, so the two never fold into one revision.
                env.Cluster1.Store.Update(_pod, "default", name, pod =>
                {
                    pod["metadata"]!["labels"]!["changed"] = "yes";
                    return pod;
                });
                modified = true;
            }
            else
            {
                break;
            }
        }

        modified.ShouldBeTrue();
        types.ShouldBe(["ADDED", "MODIFIED"]);
    }
}
