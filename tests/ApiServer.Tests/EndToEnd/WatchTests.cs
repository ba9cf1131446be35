using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Clusterpedia.Kube;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>Watching search results: kubectl get -w and the raw event stream.</summary>
public sealed class WatchTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private static readonly GroupVersionResource _pods = new("", "v1", "pods");

    private static string PodJson(string name) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"labels\":{\"app\":\"watch-test\"}}," +
        "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}],\"nodeName\":\"n1\"}," +
        "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}}]}}";

    [Theory]
    [MemberData(nameof(KubectlSearchTests.Binaries), MemberType = typeof(KubectlSearchTests))]
    public async Task KubectlGetWatch_SeesPodCreatedInMemberCluster(string binary)
    {
        var name = "watched-" + Guid.NewGuid().ToString("N")[..8];
        var psi = new ProcessStartInfo(binary, ["--kubeconfig", env.Kubeconfig, "--cluster", "clusterpedia", "get", "pods", "-A", "-w", "-l", "app=watch-test"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var kubectl = Process.Start(psi)!;
        var output = new StringBuilder();
        var seen = new TaskCompletionSource();
        kubectl.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
                if (e.Data?.Contains(name, StringComparison.Ordinal) == true)
                {
                    seen.TrySetResult();
                }
            }
        };
        kubectl.BeginOutputReadLine();
        try
        {
            await Task.Delay(1000);
            env.Cluster2.Store.Create(_pods, "default", PodJson(name));

            var finished = await Task.WhenAny(seen.Task, Task.Delay(TimeSpan.FromSeconds(20)));
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            finished.ShouldBe(seen.Task, $"kubectl -w did not show {name}; it printed:\n{text}\n{await ReadErrorAsync(kubectl)}");
            text.ShouldContain("cluster-2");
        }
        finally
        {
            kubectl.Kill(entireProcessTree: true);
            env.Cluster2.Store.Delete(_pods, "default", name);
        }
    }

    private static async Task<string> ReadErrorAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        return await process.StandardError.ReadToEndAsync();
    }

    [Fact]
    public async Task WatchStream_QuietResource_HeadersArriveBeforeAnyEvent()
    {
        var listUri = new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?labelSelector=app%3Dnobody-has-this&limit=1");
        using var list = JsonDocument.Parse(await env.Http.GetStringAsync(listUri));
        var rv = list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        var watchUri = new Uri(env.Server, $"/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?watch=true&labelSelector=app%3Dnobody-has-this&resourceVersion={rv}&timeoutSeconds=30");

        // Nothing matches, so no event will come: the status line and headers must still come at once.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await env.Http.GetAsync(watchUri, HttpCompletionOption.ResponseHeadersRead, cts.Token);

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
    }

    [Fact]
    public async Task WatchStream_FromListResourceVersion_DeliversUpdateAndDeleteWithOurRevisions()
    {
        var name = "stream-" + Guid.NewGuid().ToString("N")[..8];
        var listUri = new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/resources/clusters/cluster-1/api/v1/namespaces/default/pods?labelSelector=app%3Dwatch-test");
        using var list = JsonDocument.Parse(await env.Http.GetStringAsync(listUri));
        var rv = list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();

        using var watchCts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(listUri + $"&watch=true&resourceVersion={rv}&allowWatchBookmarks=true"));
        using var response = await env.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, watchCts.Token);
        ((int)response.StatusCode).ShouldBe(200);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(watchCts.Token));

        env.Cluster1.Store.Create(_pods, "default", PodJson(name));
        var created = await NextEventAsync(reader, name, watchCts.Token);
        created.Type.ShouldBeOneOf("ADDED", "MODIFIED");
        long.Parse(created.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(long.Parse(rv!, System.Globalization.CultureInfo.InvariantCulture));

        env.Cluster1.Store.Delete(_pods, "default", name);
        var deleted = await NextEventAsync(reader, name, watchCts.Token);
        deleted.Type.ShouldBe("DELETED");
        long.Parse(deleted.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(long.Parse(created.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<(string Type, string ResourceVersion)> NextEventAsync(StreamReader reader, string name, CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            using var doc = JsonDocument.Parse(line);
            var type = doc.RootElement.GetProperty("type").GetString()!;
            var metadata = doc.RootElement.GetProperty("object").GetProperty("metadata");
            if (type != "BOOKMARK" && metadata.GetProperty("name").GetString() == name)
            {
                return (type, metadata.GetProperty("resourceVersion").GetString()!);
            }
        }

        throw new InvalidOperationException("the watch ended before the event arrived");
    }

    [Theory]
    [InlineData("resourceVersion=abc")]
    [InlineData("resourceVersion=-1")]
    [InlineData("timeoutSeconds=soon")]
    public async Task Watch_BadParameters_Are400(string query)
    {
        using var response = await env.Http.GetAsync(new Uri(env.Server, "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?watch=true&" + query));

        ((int)response.StatusCode).ShouldBe(400, await response.Content.ReadAsStringAsync());
    }
}
