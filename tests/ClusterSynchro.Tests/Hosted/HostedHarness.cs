using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Hosted;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Client;
using Clusterpedia.KubeSim;
using Clusterpedia.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Tests.Hosted;

/// <summary>
/// Hosted mode end to end: a simulator as the host cluster with the repository's crds/ applied and the credential
/// namespace created, the host-backed object store list-watching it, and the synchro manager over a SQLite storage.
/// </summary>
public sealed class HostedHarness : IAsyncDisposable
{
    public const string SecretNamespace = "clusterpedia-system";

    public static readonly GroupVersionResource PediaClusters = new(PediaClusterResource.Group, PediaClusterResource.Version, PediaClusterResource.Resource);
    public static readonly GroupVersionResource SyncResourcesGvr = new(PediaClusterResource.Group, PediaClusterResource.Version, PediaClusterResource.SyncResourcesResource);
    public static readonly GroupVersionResource Secrets = new("", "v1", "secrets");

    private static readonly GroupVersionResource _crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions");

    private readonly StorageHandle _handle;
    private readonly string _directory;

    private HostedHarness(SimulatedCluster host, StorageHandle handle, string directory, HostClusterObjectStore store, ClusterSynchroManager manager)
    {
        Host = host;
        _handle = handle;
        _directory = directory;
        Store = store;
        Manager = manager;
    }

    public SimulatedCluster Host { get; }

    public HostClusterObjectStore Store { get; }

    public ClusterSynchroManager Manager { get; }

    public IResourceStorage Storage => _handle.Resources;

    public static async Task<HostedHarness> StartAsync()
    {
        var host = await SimulatedCluster.StartAsync(new SimulatorOptions
        {
            ClusterName = "host",
            Token = "token-host",
            Namespaces = 0,
            DeploymentsPerNamespace = 0,
            Nodes = 1,
            BookmarkInterval = TimeSpan.FromSeconds(1),
        });
        foreach (var crd in YamlManifests.RepositoryCrds())
        {
            host.Store.Create(_crds, null, crd);
        }

        host.Store.Create(SimResources.Namespaces, null, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = SecretNamespace },
        });

        var directory = Path.Combine(Path.GetTempPath(), "clusterpedia-hosted-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var handle = await StorageFactory.OpenAsync(
            new StorageOptions { Engine = StorageOptions.Sqlite, ConnectionString = $"Data Source={Path.Combine(directory, "store.db")}" }, CancellationToken.None);

        var hostOptions = new HostClusterOptions
        {
            HostKubeconfig = "(in-process)",
            SecretNamespace = SecretNamespace,
            HostMaxBackoff = TimeSpan.FromSeconds(1),
            HostWatchTimeoutSeconds = 60,
            UnservedRecheckInterval = TimeSpan.FromSeconds(1),
        };
        var connection = new KubeClientOptions { Server = host.Url, BearerToken = host.Token };
        var store = new HostClusterObjectStore(_ => Task.FromResult(connection), Options.Create(hostOptions), TimeProvider.System, NullLogger<HostClusterObjectStore>.Instance);
        await store.StartAsync(CancellationToken.None);

        var synchro = SynchroHarness.FastOptions();
        synchro.ResyncInterval = TimeSpan.FromSeconds(1);
        var manager = new ClusterSynchroManager(store, handle.Resources, new SyncedResourceCatalog(), TestMetrics.Synchro, Options.Create(synchro), TimeProvider.System,
            NullLogger<ClusterSynchroManager>.Instance, store);
        await manager.StartAsync(CancellationToken.None);
        return new HostedHarness(host, handle, directory, store, manager);
    }

    /// <summary>Creates a Secret with the given keys (values as plain text) in the credential namespace of the host.</summary>
    public void CreateSecret(string name, IReadOnlyDictionary<string, string> values) =>
        Host.Store.Create(Secrets, SecretNamespace, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = SecretNamespace },
            ["data"] = new JsonObject(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)SynchroHarness.Base64(kv.Value)))),
        });

    /// <summary>Creates a PediaCluster in the host, as <c>kubectl apply</c> against the host would.</summary>
    public void CreatePediaCluster(string name, JsonObject spec) =>
        Host.Store.Create(PediaClusters, null, new JsonObject
        {
            ["apiVersion"] = PediaClusterConversion.V1Alpha2,
            ["kind"] = PediaClusterResource.Kind,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        });

    public JsonObject? HostPediaCluster(string name) => Host.Store.Get(PediaClusters, null, name);

    public (string Status, string Reason, string Message)? Condition(string name, string type)
    {
        var condition = (HostPediaCluster(name)?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        return condition is null ? null : ((string)condition["status"]!, (string?)condition["reason"] ?? "", (string?)condition["message"] ?? "");
    }

    public Task WaitForConditionAsync(string name, string type, string status, TimeSpan timeout) =>
        Eventually.UntilAsync(() => Task.FromResult(Condition(name, type)?.Status == status), timeout,
            () => Task.FromResult($"{name}: condition {type} is not {status}; the host's object: {HostPediaCluster(name)?.ToJsonString()}"));

    public async Task<Dictionary<string, (string Uid, string ResourceVersion)>> StoredObjectsAsync(string cluster, GroupVersionResource gvr)
    {
        var page = await Storage.ListAsync(
            new ResourceQuery { Group = gvr.Group, Version = gvr.Version, Resource = gvr.Resource, Clusters = [cluster], OnlyMetadata = true },
            CancellationToken.None);
        return page.Items.ToDictionary(i => i.Namespace + "/" + i.Name, i => (i.Uid, i.ResourceVersion), StringComparer.Ordinal);
    }

    /// <summary>Waits until the stored objects of a resource equal the member's (keys, uids, resourceVersions).</summary>
    public Task WaitConsistentAsync(string cluster, SimulatedCluster member, GroupVersionResource gvr, TimeSpan timeout) =>
        Eventually.UntilAsync(
            async () => Same(await StoredObjectsAsync(cluster, gvr), SynchroHarness.SimObjects(member, gvr)),
            timeout,
            async () => $"{gvr.GroupResource}: stored {(await StoredObjectsAsync(cluster, gvr)).Count}, member has {SynchroHarness.SimObjects(member, gvr).Count}");

    private static bool Same(Dictionary<string, (string, string)> a, Dictionary<string, (string, string)> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public async ValueTask DisposeAsync()
    {
        await Manager.StopAsync(CancellationToken.None);
        Manager.Dispose();
        await Store.StopAsync(CancellationToken.None);
        Store.Dispose();
        await _handle.DisposeAsync();
        await Host.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
