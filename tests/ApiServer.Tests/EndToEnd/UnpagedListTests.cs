using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>
/// A list without a limit streams from the database reader to the response (issue 18): every representation must
/// still carry the same objects as the paged walk, and its resourceVersion, as kube-apiserver's list does.
/// </summary>
public sealed class UnpagedListTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private const string _pods = "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods";

    private async Task<JsonDocument> GetAsync(string pathAndQuery, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(env.Server, pathAndQuery));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await env.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, body);
        return JsonDocument.Parse(body);
    }

    private static string Key(JsonElement item)
    {
        var metadata = item.GetProperty("metadata");
        return $"{metadata.GetProperty("annotations").GetProperty("shadow.clusterpedia.io/cluster-name").GetString()}/{metadata.GetProperty("namespace").GetString()}/{metadata.GetProperty("name").GetString()}";
    }

    private async Task<List<string>> PagedWalkAsync()
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            using var page = await GetAsync(_pods + "?limit=3" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token)));
            keys.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(Key));
            token = page.RootElement.GetProperty("metadata").TryGetProperty("continue", out var next) ? next.GetString() : null;
        }
        while (!string.IsNullOrEmpty(token));

        return keys;
    }

    [Fact]
    public async Task List_NoLimit_EveryObjectOfThePagedWalkWithResourceVersion()
    {
        await env.WaitReadyAsync("cluster-1");
        await env.WaitReadyAsync("cluster-2");

        using var list = await GetAsync(_pods);
        var paged = await PagedWalkAsync();

        list.RootElement.GetProperty("kind").GetString().ShouldBe("PodList");
        var metadata = list.RootElement.GetProperty("metadata");
        long.Parse(metadata.GetProperty("resourceVersion").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        metadata.TryGetProperty("continue", out _).ShouldBeFalse();
        metadata.TryGetProperty("remainingItemCount", out _).ShouldBeFalse();
        var keys = list.RootElement.GetProperty("items").EnumerateArray().Select(Key).ToList();
        keys.Count.ShouldBeGreaterThan(3);
        keys.ShouldBe(paged);
    }

    [Fact]
    public async Task List_NoLimitAsTable_RowPerObject()
    {
        await env.WaitReadyAsync("cluster-1");
        using var list = await GetAsync(_pods + "?clusters=cluster-1", "application/json;as=Table;v=v1;g=meta.k8s.io");
        using var json = await GetAsync(_pods + "?clusters=cluster-1");

        list.RootElement.GetProperty("kind").GetString().ShouldBe("Table");
        list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString().ShouldNotBeNullOrEmpty();
        list.RootElement.GetProperty("columnDefinitions")[0].GetProperty("name").GetString().ShouldBe("Cluster");
        list.RootElement.GetProperty("rows").GetArrayLength().ShouldBe(json.RootElement.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task List_NoLimitAsPartialObjectMetadata_MetadataOfEveryObject()
    {
        await env.WaitReadyAsync("cluster-2");
        using var list = await GetAsync(_pods + "?clusters=cluster-2", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
        using var json = await GetAsync(_pods + "?clusters=cluster-2");

        list.RootElement.GetProperty("kind").GetString().ShouldBe("PartialObjectMetadataList");
        var items = list.RootElement.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(json.RootElement.GetProperty("items").GetArrayLength());
        foreach (var item in items)
        {
            item.GetProperty("kind").GetString().ShouldBe("PartialObjectMetadata");
            item.TryGetProperty("spec", out _).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task List_NoLimitNothingMatches_EmptyItemsWithResourceVersion()
    {
        using var list = await GetAsync(_pods + "?namespaces=no-such-namespace");

        list.RootElement.GetProperty("items").GetArrayLength().ShouldBe(0);
        list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task KubectlGet_ChunkSize0_SameRowsAsChunked()
    {
        await env.WaitReadyAsync("cluster-1");
        await env.WaitReadyAsync("cluster-2");

        var whole = await env.Kubectl().OkAsync("--cluster", "clusterpedia", "get", "pods", "-A", "--chunk-size", "0");
        var chunked = await env.Kubectl().OkAsync("--cluster", "clusterpedia", "get", "pods", "-A", "--chunk-size", "5");

        static List<string> Names(string output) =>
            [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3)))];
        Names(whole).Count.ShouldBeGreaterThan(5);
        Names(whole).ShouldBe(Names(chunked));
    }
}
