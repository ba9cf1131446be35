using System.Text.Json.Nodes;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// The watch of our own objects (PediaClusters, ClusterSyncResources) replays changes after a resourceVersion from the
/// store's history, as the search watch does.
/// </summary>
public sealed class OwnWatchTests(OwnApiServer server) : IClassFixture<OwnApiServer>
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static string Type(JsonNode e) => e["type"]!.GetValue<string>();

    private static string? Name(JsonNode e) => e["object"]?["metadata"]?["name"]?.GetValue<string>();

    [Fact]
    public async Task Watch_DeleteBetweenListAndWatch_ReplaysDeleted()
    {
        var name = Unique("gone");
        await server.CreateSyncResourcesAsync(name);
        var listed = await server.ListResourceVersionAsync(OwnApiServer.SyncResources);
        await server.DeleteAsync($"{OwnApiServer.SyncResources}/{name}");

        var events = await server.WatchAsync($"{OwnApiServer.SyncResources}?watch=true&resourceVersion={listed}", e => Name(e) == name, _timeout);

        var deleted = events[^1];
        Type(deleted).ShouldBe("DELETED");
        long.Parse(deleted["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(long.Parse(listed, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Watch_ObjectCreatedAfterWatchStarts_IsAddedThenModified()
    {
        var name = Unique("new");
        var listed = await server.ListResourceVersionAsync(OwnApiServer.SyncResources);
        var patched = false;

        // Patched only once the creation was seen: the store keeps an object's latest state, so a create and a patch
        // that both land before the watch reads fold into one ADDED of the patched object.
        async Task PatchOnceAddedAsync(JsonNode e)
        {
            if (!patched && Name(e) == name && Type(e) == "ADDED")
            {
                patched = true;
                var (code, body) = await server.SendAsync(HttpMethod.Patch, $"{OwnApiServer.SyncResources}/{name}",
                    """{"metadata":{"labels":{"changed":"yes"}}}""", "application/merge-patch+json");
                code.ShouldBe(200, body?.ToJsonString());
            }
        }

        var watch = server.WatchAsync(
            $"{OwnApiServer.SyncResources}?watch=1&resourceVersion={listed}", e => Name(e) == name && Type(e) == "MODIFIED", _timeout, PatchOnceAddedAsync);
        await server.CreateSyncResourcesAsync(name);

        var events = (await watch).Where(e => Name(e) == name).ToList();

        patched.ShouldBeTrue();
        events.Select(Type).ShouldBe(["ADDED", "MODIFIED"]);
        events[1]["object"]!["metadata"]!["labels"]!["changed"]!.GetValue<string>().ShouldBe("yes");
    }

    [Fact]
    public async Task Watch_NoResourceVersion_ListsCurrentAsAdded()
    {
        var name = Unique("current");
        await server.CreateSyncResourcesAsync(name);

        var events = await server.WatchAsync($"{OwnApiServer.SyncResources}?watch=true", e => Name(e) == name, _timeout);

        Type(events[^1]).ShouldBe("ADDED");
    }

    [Fact]
    public async Task Watch_VersionOlderThanKeptHistory_Is410Expired()
    {
        var first = Unique("old");
        await server.CreateSyncResourcesAsync(first);
        var listed = await server.ListResourceVersionAsync(OwnApiServer.SyncResources);
        await server.DeleteAsync($"{OwnApiServer.SyncResources}/{first}");

        // Tombstones are kept 2 s; a later delete prunes older ones. Delete again until the watch says the
        // history no longer reaches back to the list.
        JsonNode? error = null;
        await Eventually.UntilAsync(
            async () =>
            {
                var next = Unique("prune");
                await server.CreateSyncResourcesAsync(next);
                await server.DeleteAsync($"{OwnApiServer.SyncResources}/{next}");
                var events = await server.WatchAsync(
                    $"{OwnApiServer.SyncResources}?watch=true&resourceVersion={listed}&timeoutSeconds=1", e => Type(e) == "ERROR", _timeout);
                error = events.LastOrDefault(e => Type(e) == "ERROR");
                return error is not null;
            },
            _timeout, "the history was never pruned past the listed resourceVersion", TimeSpan.FromMilliseconds(250));

        var status = error!["object"]!;
        status["kind"]!.GetValue<string>().ShouldBe("Status");
        status["code"]!.GetValue<int>().ShouldBe(410);
        status["reason"]!.GetValue<string>().ShouldBe("Expired");
    }

    [Fact]
    public async Task Watch_AllowWatchBookmarks_SendsBookmarkWithCurrentVersion()
    {
        var listed = await server.ListResourceVersionAsync(OwnApiServer.SyncResources);

        var events = await server.WatchAsync(
            $"{OwnApiServer.SyncResources}?watch=true&allowWatchBookmarks=True&resourceVersion={listed}", e => Type(e) == "BOOKMARK", _timeout);

        var bookmark = events[^1]["object"]!;
        bookmark["kind"]!.GetValue<string>().ShouldBe("ClusterSyncResources");
        long.Parse(bookmark["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThanOrEqualTo(long.Parse(listed, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Watch_LabelSelector_ObjectLeavingSelectionIsDeleted()
    {
        var name = Unique("leaving");
        await server.CreateSyncResourcesAsync(name);
        var (code, body) = await server.SendAsync(HttpMethod.Patch, $"{OwnApiServer.SyncResources}/{name}",
            """{"metadata":{"labels":{"team":"a"}}}""", "application/merge-patch+json");
        code.ShouldBe(200, body?.ToJsonString());
        var listed = await server.ListResourceVersionAsync($"{OwnApiServer.SyncResources}?labelSelector=team%3Da");
        (code, body) = await server.SendAsync(HttpMethod.Patch, $"{OwnApiServer.SyncResources}/{name}",
            """{"metadata":{"labels":{"team":"b"}}}""", "application/merge-patch+json");
        code.ShouldBe(200, body?.ToJsonString());

        var events = await server.WatchAsync(
            $"{OwnApiServer.SyncResources}?watch=true&labelSelector=team%3Da&resourceVersion={listed}", e => Name(e) == name, _timeout);

        Type(events[^1]).ShouldBe("DELETED");
    }
}
