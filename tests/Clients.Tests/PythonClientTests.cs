using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;

namespace Clusterpedia.Clients.Tests;

/// <summary>
/// Debian's python3-kubernetes (CoreV1Api, AppsV1Api, CustomObjectsApi, watch.Watch().stream) against the search
/// server, through tests/clients/python/compat.py; its results are compared with what the members return.
/// </summary>
public sealed class PythonClientTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>, IDisposable
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);
    private static readonly Kube.GroupVersionResource _pods = new("", "v1", "pods");
    private readonly PythonClient _python = new(env);

    private static HashSet<string> Keys(JsonNode result) =>
        result["keys"].ShouldNotBeNull($"no keys in {result.ToJsonString()}").AsArray().Select(k => k!.GetValue<string>()).ToHashSet();

    [Fact]
    public async Task CoreV1ListPods_AcrossClusters_SameSetAsMembers()
    {
        var expected = await MemberView.PodsAsync(env);
        JsonNode? result = null;
        await Eventually.UntilAsync(
            async () => Keys(result = await _python.RunAsync("search", "list-pods", "search.clusterpedia.io/clusters in (cluster-1,cluster-2)")).SetEquals(expected),
            _timeout, () => Task.FromResult($"python listed {result?.ToJsonString()}, the members have {string.Join(",", expected)}"));

        result!["resourceVersion"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task AppsV1ListDeployments_AcrossClusters_SameSetAsMembers()
    {
        var expected = await MemberView.DeploymentsAsync(env);
        expected.ShouldNotBeEmpty();
        JsonNode? result = null;
        await Eventually.UntilAsync(
            async () => Keys(result = await _python.RunAsync("search", "list-deployments")).SetEquals(expected),
            _timeout, () => Task.FromResult($"python listed {result?.ToJsonString()}"));
    }

    [Fact]
    public async Task CoreV1ListPods_LimitAndContinue_PagesToTheEndWithRemainingItemCount()
    {
        var expected = await MemberView.PodsAsync(env);

        var result = await _python.RunAsync("search", "page-pods", "4");

        var keys = result["keys"]!.AsArray().Select(k => k!.GetValue<string>()).ToList();
        keys.Count.ShouldBe(keys.Distinct().Count(), "no object twice across pages");
        keys.ToHashSet().ShouldBe(expected, ignoreOrder: true);
        var remaining = result["remaining"]!.AsArray();
        remaining.Count.ShouldBeGreaterThan(0);
        for (var i = 0; i < remaining.Count; i++)
        {
            remaining[i].ShouldNotBeNull("remaining_item_count is None on a limited page");
            remaining[i]!.GetValue<int>().ShouldBe(expected.Count - (4 * (i + 1)));
        }
    }

    [Fact]
    public async Task CustomObjectsApi_SearchPath_ListsDeploymentsLikeTheMembers()
    {
        var expected = await MemberView.DeploymentsAsync(env);

        var result = await _python.RunAsync("search", "custom-list", "apps", "v1", "deployments");

        Keys(result).ShouldBe(expected, ignoreOrder: true);
    }

    [Fact]
    public async Task CustomObjectsApi_PediaClusters_ListAndCrud()
    {
        var list = await _python.RunAsync("host", "custom-list", "cluster.clusterpedia.io", "v1alpha2", "pediaclusters");
        list["names"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["cluster-1", "cluster-2"], ignoreOrder: true);

        var name = "py-crud-" + Guid.NewGuid().ToString("N")[..8];
        var apiserver = env.Cluster1.Url.ToString().TrimEnd('/');
        var crud = await _python.RunAsync("host", "custom-crud", name, apiserver);

        crud["error"].ShouldBeNull(crud.ToJsonString());
        crud["created"]!.GetValue<string>().ShouldBe(name);
        crud["apiserver"]!.GetValue<string>().ShouldBe(apiserver);
        crud["labels"]!["team"]!.GetValue<string>().ShouldBe("python");
    }

    [Fact]
    public async Task CoreV1ReadPod_PerClusterPath_SameAsMemberAndMissingIsNotFound()
    {
        using var member = ClientFactory.Member(env.Cluster1);
        var pod = (await member.CoreV1.ListNamespacedPodAsync("kube-system")).Items[0];

        var read = await _python.RunAsync("cluster-1", "read-pod", "kube-system", pod.Metadata.Name);
        read["uid"]!.GetValue<string>().ShouldBe(pod.Metadata.Uid, read.ToJsonString());
        read["key"]!.GetValue<string>().ShouldBe(MemberView.Key(pod, "cluster-1"));

        var missing = await _python.RunAsync("cluster-1", "read-pod", "default", "no-such-pod");
        missing["error"]!["status"]!.GetValue<int>().ShouldBe(404, missing.ToJsonString());
        missing["error"]!["reason"]!.GetValue<string>().ShouldBe("NotFound");
        missing["error"]!["kind"]!.GetValue<string>().ShouldBe("Status");
    }

    [Fact]
    public async Task WatchStream_MemberChanges_AddedModifiedDeleted()
    {
        var name = "py-watch-" + Guid.NewGuid().ToString("N")[..8];
        using var process = Process.Start(_python.StartInfo("search", "watch-pods", "app=py-watch", name, "40"))!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        var types = new List<string>();
        try
        {
            // A pod new to the watcher is ADDED whether it arrives in the initial list or afterwards.
            env.Cluster2.Store.Create(_pods, "default", PodJson(name));
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                var e = JsonNode.Parse(line)!;
                var type = e["type"]?.GetValue<string>() ?? throw new InvalidOperationException("python reported " + line);
                types.Add(type);
                if (type == "ADDED")
                {
                    e["key"]!.GetValue<string>().ShouldBe($"cluster-2/default/{name}");
                    env.Cluster2.Store.Update(_pods, "default", name, o =>
                    {
                        o["metadata"]!["labels"]!["step"] = "modified";
                        return o;
                    });
                }
                else if (type == "MODIFIED")
                {
                    e["labels"]!["step"]!.GetValue<string>().ShouldBe("modified");
                    env.Cluster2.Store.Delete(_pods, "default", name);
                }
                else if (type == "END")
                {
                    break;
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        types.ShouldBe(["ADDED", "MODIFIED", "DELETED", "END"], $"stderr: {await stderr}");
    }

    private static string PodJson(string name) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"labels\":{\"app\":\"py-watch\"}}," +
        "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}],\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}";

    public void Dispose() => _python.Dispose();
}
