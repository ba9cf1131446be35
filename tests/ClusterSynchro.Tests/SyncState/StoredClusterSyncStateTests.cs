using System.Text;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.ClusterSynchro.SyncState;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Printing;
using Clusterpedia.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Tests.SyncState;

/// <summary>
/// What a synchro process publishes and an API-only process reads back, over one real SQLite store: the catalog
/// of synced resources with everything discovery and tables need, and readiness from the PediaCluster's status.
/// </summary>
public sealed class StoredClusterSyncStateTests : IAsyncLifetime
{
    private static readonly SyncedResource _widgets = new(
        new GroupVersionResource("example.com", "v1", "widgets"), "Widget", "widget", Namespaced: true, ["wd"], ["all", "toys"],
        [new CustomColumn("Size", "integer", "int32", "how big", 0, ".spec.size"), new CustomColumn("Age", "date", null, null, 1, ".metadata.creationTimestamp")]);

    private static readonly SyncedResource _nodes = new(new GroupVersionResource("", "v1", "nodes"), "Node", "node", Namespaced: false, ["no"], [], null);

    private readonly TempDirectory _dir = new("clusterpedia-syncstate-");
    private readonly SyncedResourceCatalog _published = new();
    private readonly SyncedResourceCatalog _read = new();
    private StorageHandle _store = null!;

    // Disposed in DisposeAsync, after they are stopped.
    private SyncedResourcePublisher Publisher { get; set; } = null!;

    private StoredClusterSyncState State { get; set; } = null!;

    public async Task InitializeAsync()
    {
        _store = await StorageFactory.OpenAsync(
            new StorageOptions { Engine = StorageOptions.Sqlite, ConnectionString = $"Data Source={_dir.File("store.db")}" }, CancellationToken.None);
        Publisher = new SyncedResourcePublisher(_published, _store.ApiObjects, TimeProvider.System, NullLogger<SyncedResourcePublisher>.Instance);
        var options = Options.Create(new SynchroOptions { StorePollInterval = TimeSpan.FromMilliseconds(100) });
        State = new StoredClusterSyncState(_store.ApiObjects, _store.ApiObjects, _read, options, TimeProvider.System, NullLogger<StoredClusterSyncState>.Instance);
        await Publisher.StartAsync(CancellationToken.None);
        await State.StartAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Catalog_PublishedByTheSynchro_ReadBackWithColumnsShortNamesAndCategories()
    {
        await CreatePediaClusterAsync("one", ready: null);

        _published.Set("one", [_nodes, _widgets]);

        await Eventually.TrueAsync(() => _read.For("one").Count == 2, "the API-only catalog to hold the published resources");
        var widgets = _read.Find("one", "example.com", "v1", "widgets").ShouldNotBeNull();
        widgets.Kind.ShouldBe("Widget");
        widgets.SingularName.ShouldBe("widget");
        widgets.Namespaced.ShouldBeTrue();
        widgets.ShortNames.ShouldBe(["wd"]);
        widgets.Categories.ShouldBe(["all", "toys"]);
        widgets.PrinterColumns.ShouldNotBeNull().ShouldBe(_widgets.PrinterColumns!);
        _read.Find("one", "", "v1", "nodes").ShouldNotBeNull().PrinterColumns.ShouldBeNull();
    }

    [Fact]
    public async Task Catalog_ClusterRemovedBySynchro_GoneFromApiOnlyCatalog()
    {
        await CreatePediaClusterAsync("two", ready: true);
        _published.Set("two", [_nodes]);
        await Eventually.TrueAsync(() => _read.Clusters.Contains("two"), "cluster two in the API-only catalog");

        _published.Remove("two");

        await Eventually.TrueAsync(() => !_read.Clusters.Contains("two"), "cluster two to leave the API-only catalog");
        (await _store.ApiObjects.GetAsync(SyncedResourcePublisher.StorageKey, "two", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Readiness_StatusWrittenBySynchro_FollowsReadyCondition()
    {
        await Eventually.TrueAsync(() => State.InitialSyncDone, "no PediaCluster: initial sync done");

        await CreatePediaClusterAsync("three", ready: false);
        await Eventually.TrueAsync(() => State.NotReadyClusters().Contains("three") && !State.InitialSyncDone, "three not ready, initial sync not done");

        await SetStatusAsync("three", """{"conditions":[{"type":"Ready","status":"True","reason":"Ready","message":""}]}""");
        await Eventually.TrueAsync(() => State.NotReadyClusters().Count == 0 && State.InitialSyncDone, "three ready");

        // Once ready, a cluster that goes unready is named, but does not make the process unready again.
        await SetStatusAsync("three", """{"conditions":[{"type":"Ready","status":"False","reason":"ClusterUnhealthy","message":"refused"}]}""");
        await Eventually.TrueAsync(() => State.NotReadyClusters().Contains("three"), "three not ready again");
        State.InitialSyncDone.ShouldBeTrue();
    }

    [Fact]
    public async Task Readiness_InvalidSpecNeverReady_SettledSoInitialSyncDone()
    {
        await CreatePediaClusterAsync("four", ready: false, extraCondition: """{"type":"Validated","status":"False","reason":"InvalidSpec","message":"spec.apiserver"}""");

        await Eventually.TrueAsync(() => State.NotReadyClusters().Contains("four") && State.InitialSyncDone, "four named but settled");
    }

    public async Task DisposeAsync()
    {
        await State.StopAsync(CancellationToken.None);
        await Publisher.StopAsync(CancellationToken.None);
        State.Dispose();
        Publisher.Dispose();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _dir.Delete();
    }

    private async Task CreatePediaClusterAsync(string name, bool? ready, string? extraCondition = null)
    {
        var conditions = new List<string>();
        if (ready is { } r)
        {
            conditions.Add($$"""{"type":"Ready","status":"{{(r ? "True" : "False")}}","reason":"x","message":""}""");
        }

        if (extraCondition is not null)
        {
            conditions.Add(extraCondition);
        }

        var json = $$$"""
            {"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"{{{name}}}"},
             "spec":{"apiserver":"https://127.0.0.1:1"},"status":{"conditions":[{{{string.Join(",", conditions)}}}]}}
            """;
        await _store.ApiObjects.CreateAsync(PediaClusterResource.StorageKey, name, Encoding.UTF8.GetBytes(json), CancellationToken.None);
    }

    private async Task SetStatusAsync(string name, string status)
    {
        var json = $$$"""
            {"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"{{{name}}}"},
             "spec":{"apiserver":"https://127.0.0.1:1"},"status":{{{status}}}}
            """;
        await _store.ApiObjects.UpdateAsync(PediaClusterResource.StorageKey, name, Encoding.UTF8.GetBytes(json), expectedRevision: null, CancellationToken.None);
    }
}
