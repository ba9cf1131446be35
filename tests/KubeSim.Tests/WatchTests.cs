using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Tests;

public sealed class WatchTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly GroupVersionResource _configMaps = new(string.Empty, "v1", "configmaps");
    private readonly HttpClient _http = fixture.Http;
    private readonly SimulatorStore _store = fixture.Cluster.Store;

    [Fact]
    public async Task Watch_FromListResourceVersion_SeesCreateUpdateDelete()
    {
        var list = await _http.GetObjectAsync("/api/v1/namespaces/default/configmaps");
        var rv = list.Str("metadata.resourceVersion");
        await using var watch = await WatchStream.OpenAsync(_http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=20");

        _store.Create(_configMaps, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "watched" }, ["data"] = new JsonObject { ["k"] = "1" } });
        _store.Update(_configMaps, "default", "watched", cm => { cm["data"]!["k"] = "2"; return cm; });
        _store.Delete(_configMaps, "default", "watched");

        var added = await watch.NextMatchingAsync(e => e.Str("object.metadata.name") == "watched");
        added.Str("type").ShouldBe("ADDED");
        added.Str("object.kind").ShouldBe("ConfigMap");
        added.Str("object.apiVersion").ShouldBe("v1");
        var modified = (await watch.NextAsync())!;
        modified.Str("type").ShouldBe("MODIFIED");
        modified.Str("object.data.k").ShouldBe("2");
        var deleted = (await watch.NextAsync())!;
        deleted.Str("type").ShouldBe("DELETED");
        long.Parse(deleted.Str("object.metadata.resourceVersion")).ShouldBeGreaterThan(long.Parse(modified.Str("object.metadata.resourceVersion")));
    }

    [Fact]
    public async Task UpdateResourceVersion_Stored_SameEventAndVersionAsUpdate()
    {
        _store.Create(_configMaps, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "versioned" }, ["data"] = new JsonObject { ["k"] = "1" } });
        var rv = _store.CurrentResourceVersion;
        await using var watch = await WatchStream.OpenAsync(_http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=20");

        var written = _store.UpdateResourceVersion(_configMaps, "default", "versioned", cm => { cm["data"]!["k"] = "2"; return cm; });

        var stored = _store.Get(_configMaps, "default", "versioned")!;
        stored.Str("metadata.resourceVersion").ShouldBe(written.ToString(System.Globalization.CultureInfo.InvariantCulture));
        stored.Str("data.k").ShouldBe("2");
        var modified = await watch.NextMatchingAsync(e => e.Str("object.metadata.name") == "versioned");
        modified.Str("type").ShouldBe("MODIFIED");
        modified.Str("object.metadata.resourceVersion").ShouldBe(written.ToString(System.Globalization.CultureInfo.InvariantCulture));
        modified.Str("object.data.k").ShouldBe("2");
    }

    [Fact]
    public async Task Watch_ResumeFromOldResourceVersion_ReplaysHistory()
    {
        var rv = _store.CurrentResourceVersion;
        _store.Create(_configMaps, "kube-public", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "replayed" } });
        _store.Delete(_configMaps, "kube-public", "replayed");

        await using var watch = await WatchStream.OpenAsync(_http, $"/api/v1/configmaps?watch=1&resourceVersion={rv}&timeoutSeconds=5");

        (await watch.NextAsync())!.Str("type").ShouldBe("ADDED");
        var deleted = (await watch.NextAsync())!;
        deleted.Str("type").ShouldBe("DELETED");
        deleted.Str("object.metadata.name").ShouldBe("replayed");
    }

    [Fact]
    public async Task Watch_ResourceVersionZero_SyntheticAddedForCurrentState()
    {
        var count = (await _http.GetObjectAsync("/api/v1/nodes"))["items"]!.AsArray().Count;
        await using var watch = await WatchStream.OpenAsync(_http, "/api/v1/nodes?watch=true&resourceVersion=0&timeoutSeconds=1");

        var events = new List<JsonObject>();
        while (await watch.NextAsync() is { } e)
        {
            events.Add(e);
        }

        events.Count.ShouldBe(count);
        events.ShouldAllBe(e => e.Str("type") == "ADDED");
    }

    [Fact]
    public async Task Watch_LabelSelector_ModificationLeavingSelectionIsDeleted()
    {
        _store.Create(_configMaps, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "selected", ["labels"] = new JsonObject { ["tier"] = "a" } } });
        var rv = _store.CurrentResourceVersion;
        await using var watch = await WatchStream.OpenAsync(_http, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&labelSelector=tier%3Da&timeoutSeconds=10");

        _store.Update(_configMaps, "default", "selected", cm => { cm["metadata"]!["labels"]!["tier"] = "b"; return cm; });

        var e = (await watch.NextAsync())!;
        e.Str("type").ShouldBe("DELETED");
        e.Str("object.metadata.labels.tier").ShouldBe("b");
        _store.Delete(_configMaps, "default", "selected");
    }

    [Fact]
    public async Task Watch_AllowWatchBookmarks_BookmarkCarriesCurrentResourceVersion()
    {
        var rv = _store.CurrentResourceVersion;
        await using var watch = await WatchStream.OpenAsync(_http, $"/api/v1/namespaces/kube-system/secrets?watch=true&resourceVersion={rv}&allowWatchBookmarks=true&timeoutSeconds=10");

        var bookmark = (await watch.NextAsync())!;

        bookmark.Str("type").ShouldBe("BOOKMARK");
        bookmark.Str("object.kind").ShouldBe("Secret");
        long.Parse(bookmark.Str("object.metadata.resourceVersion")).ShouldBeGreaterThanOrEqualTo(rv);
    }

    [Fact]
    public async Task Watch_CompactedResourceVersion_ErrorEventExpired410()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 1 });
        using var http = new HttpClient { BaseAddress = cluster.Url };
        var old = cluster.Store.CurrentResourceVersion;
        cluster.Store.Create(_configMaps, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "after" } });
        cluster.Store.Compact();

        await using var watch = await WatchStream.OpenAsync(http, $"/api/v1/configmaps?watch=true&resourceVersion={old}");
        var e = (await watch.NextAsync())!;

        e.Str("type").ShouldBe("ERROR");
        e.Str("object.kind").ShouldBe("Status");
        e.Str("object.reason").ShouldBe("Expired");
        e["object"]!["code"]!.GetValue<int>().ShouldBe(410);
    }

    [Fact]
    public async Task List_ContinueTokenAfterCompaction_Expired410()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 1 });
        using var http = new HttpClient { BaseAddress = cluster.Url };
        var first = await http.GetObjectAsync("/api/v1/configmaps?limit=1");
        cluster.Store.Create(_configMaps, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "after" } });
        cluster.Store.Compact();

        using var response = await http.GetAsync("/api/v1/configmaps?limit=1&continue=" + Uri.EscapeDataString(first.Str("metadata.continue")));
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        ((int)response.StatusCode).ShouldBe(410);
        status.Str("reason").ShouldBe("Expired");
        status.Str("metadata.continue").ShouldNotBeEmpty();
    }
}
