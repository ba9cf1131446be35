using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Resources;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.Kube;
using Clusterpedia.KubeSim;
using Clusterpedia.Storage;
using Clusterpedia.TestSupport.Postgres;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Tests.Fixtures;

/// <summary>
/// A real storage (a SQLite file or a private PostgreSQL database) with the synchro manager running over it, as the
/// server runs it in standalone mode: PediaClusters are applied to the API object store, status is read back from it.
/// </summary>
public sealed class SynchroHarness : IAsyncDisposable
{
    private readonly StorageHandle _handle;
    private readonly string? _sqliteDirectory;
    private readonly SynchroOptions _options;
    private readonly IWorkloadPlugins? _plugins;
    private ClusterSynchroManager? _manager;

    private SynchroHarness(StorageHandle handle, string connectionString, string? sqliteDirectory, SynchroOptions options, IWorkloadPlugins? plugins = null)
    {
        _plugins = plugins;
        ConnectionString = connectionString;
        _handle = handle;
        _sqliteDirectory = sqliteDirectory;
        _options = options;
        Storage = new CountingResourceStorage(handle.Resources);
    }

    public CountingResourceStorage Storage { get; }

    /// <summary>The store's connection string, for a test that works on the database directly.</summary>
    public string ConnectionString { get; }

    public IApiObjectStore Objects => _handle.ApiObjects;

    /// <summary>The database's own-object store (where processes publish state to each other).</summary>
    public IDatabaseObjectStore Database => _handle.ApiObjects;

    public SyncedResourceCatalog Catalog { get; private set; } = new();

    public ClusterSynchroManager Manager => _manager ?? throw new InvalidOperationException("the synchro is not running");

    /// <summary>Fast health checks and backoff, so outages are seen within a second or two.</summary>
    public static SynchroOptions FastOptions() => new()
    {
        HealthInterval = TimeSpan.FromMilliseconds(250),
        ProbeTimeout = TimeSpan.FromSeconds(1),
        UnhealthyThreshold = 3,
        MaxBackoff = TimeSpan.FromSeconds(1),
        CountRefreshInterval = TimeSpan.FromMilliseconds(300),
        WatchTimeoutSeconds = 60,

        // The simulated members listen on 127.0.0.1, which the outbound policy refuses by default.
        AllowLoopbackTargets = true,
    };

    public static async Task<SynchroHarness> StartAsync(StorageEngineKind engine, SynchroOptions? options = null, IWorkloadPlugins? plugins = null)
    {
        string? directory = null;
        StorageOptions storage;
        if (engine == StorageEngineKind.Sqlite)
        {
            directory = Path.Combine(Path.GetTempPath(), "clusterpedia-synchro-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            storage = new StorageOptions { Engine = StorageOptions.Sqlite, ConnectionString = $"Data Source={Path.Combine(directory, "store.db")}" };
        }
        else
        {
            var server = await PostgresServer.SharedAsync();
            var database = await server.CreateDatabaseAsync("synchro");
            storage = new StorageOptions { Engine = StorageOptions.Postgres, ConnectionString = server.ConnectionString(database) };
        }

        var handle = await StorageFactory.OpenAsync(storage, CancellationToken.None);
        var harness = new SynchroHarness(handle, storage.ConnectionString, directory, options ?? FastOptions(), plugins);
        await harness.StartSynchroAsync();
        return harness;
    }

    /// <summary>Starts a fresh manager (and catalog) over the same storage, as a server restart would.</summary>
    public async Task StartSynchroAsync()
    {
        Catalog = new SyncedResourceCatalog();
        _manager = new ClusterSynchroManager(Objects, Storage, Catalog, TestMetrics.Synchro, Options.Create(_options), TimeProvider.System, NullLogger<ClusterSynchroManager>.Instance, workloadPlugins: _plugins);
        await _manager.StartAsync(CancellationToken.None);
    }

    public async Task StopSynchroAsync()
    {
        if (_manager is not null)
        {
            await _manager.StopAsync(CancellationToken.None);
            _manager.Dispose();
            _manager = null;
        }
    }

    /// <summary>Creates or replaces a PediaCluster (the status the synchro wrote is kept).</summary>
    public async Task ApplyAsync(string name, JsonObject spec)
    {
        var obj = new JsonObject
        {
            ["apiVersion"] = PediaClusterConversion.V1Alpha2,
            ["kind"] = PediaClusterResource.Kind,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec.DeepClone(),
        };
        for (var attempt = 0; ; attempt++)
        {
            var existing = await Objects.GetAsync(PediaClusterResource.StorageKey, name, CancellationToken.None);
            if (existing is null)
            {
                await Objects.CreateAsync(PediaClusterResource.StorageKey, name, JsonSerializer.SerializeToUtf8Bytes(obj), CancellationToken.None);
                return;
            }

            if (JsonNode.Parse(existing.Object.Span)?["status"] is JsonNode status)
            {
                obj["status"] = status.DeepClone();
            }

            try
            {
                await Objects.UpdateAsync(PediaClusterResource.StorageKey, name, JsonSerializer.SerializeToUtf8Bytes(obj), existing.Revision, CancellationToken.None);
                return;
            }
            catch (ApiObjectConflictException) when (attempt < 20)
            {
                // The synchro wrote the status meanwhile.
            }
        }
    }

    public Task DeleteAsync(string name) => Objects.DeleteAsync(PediaClusterResource.StorageKey, name, CancellationToken.None);

    public async Task<JsonObject?> StatusAsync(string name)
    {
        var stored = await Objects.GetAsync(PediaClusterResource.StorageKey, name, CancellationToken.None);
        return stored is null ? null : JsonNode.Parse(stored.Object.Span)?["status"] as JsonObject;
    }

    /// <summary>(status, reason, message) of a condition, or null when it is not set.</summary>
    public async Task<(string Status, string Reason, string Message)?> ConditionAsync(string name, string type)
    {
        var status = await StatusAsync(name);
        var condition = (status?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        return condition is null ? null : ((string)condition["status"]!, (string?)condition["reason"] ?? "", (string?)condition["message"] ?? "");
    }

    /// <summary>The syncConditions entry of one resource in the status.</summary>
    public async Task<JsonObject?> ResourceConditionAsync(string name, string group, string resource)
    {
        var status = await StatusAsync(name);
        var g = (status?["syncResources"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(x => (string?)x["group"] == group);
        var r = (g?["resources"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(x => (string?)x["name"] == resource);
        return (r?["syncConditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
    }

    /// <summary>Waits until the status shows <paramref name="expected"/> as the resource's objectCount.</summary>
    public Task WaitForObjectCountAsync(string name, string group, string resource, long expected, TimeSpan timeout) =>
        Eventually.UntilAsync(async () => (await ResourceConditionAsync(name, group, resource))?["objectCount"]?.GetValue<long>() == expected, timeout,
            async () => $"objectCount of {resource} is not {expected}: {(await ResourceConditionAsync(name, group, resource))?.ToJsonString()}");

    public async Task WaitForConditionAsync(string name, string type, string status, TimeSpan timeout) =>
        await Eventually.UntilAsync(async () => (await ConditionAsync(name, type))?.Status == status, timeout,
            async () => $"{name}: condition {type} is not {status}; status: {(await StatusAsync(name))?.ToJsonString()}");


    /// <summary>Waits until the stored objects equal the simulator's (same keys, uids and resourceVersions).</summary>
    public Task WaitConsistentAsync(string cluster, SimulatedCluster sim, IReadOnlyList<GroupVersionResource> resources, TimeSpan timeout) =>
        Eventually.UntilAsync(async () => (await DifferencesAsync(cluster, sim, resources)).Count == 0, timeout,
            async () => string.Join("; ", (await DifferencesAsync(cluster, sim, resources)).Take(10)));

    /// <summary>What differs between the stored objects and the simulator's; empty when they are equal.</summary>
    public Task<IReadOnlyList<string>> DifferencesAsync(string cluster, SimulatedCluster sim, IReadOnlyList<GroupVersionResource> resources) =>
        DifferencesAsync(cluster, resources.ToDictionary(r => r, r => SimObjects(sim, r)));

    /// <summary>What differs between the stored objects and a snapshot of the member's (key → uid, resourceVersion).</summary>
    public async Task<IReadOnlyList<string>> DifferencesAsync(
        string cluster, IReadOnlyDictionary<GroupVersionResource, Dictionary<string, (string Uid, string ResourceVersion)>> snapshot)
    {
        var differences = new List<string>();
        foreach (var (gvr, expected) in snapshot)
        {
            var actual = await StoredObjectsAsync(cluster, gvr);
            foreach (var (key, value) in expected)
            {
                if (!actual.TryGetValue(key, out var stored))
                {
                    differences.Add($"{gvr.GroupResource} {key} missing");
                }
                else if (stored != value)
                {
                    differences.Add($"{gvr.GroupResource} {key} stored {stored}, member has {value}");
                }
            }

            differences.AddRange(actual.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"{gvr.GroupResource} {k} should be gone"));
        }

        return differences;
    }

    public static Dictionary<string, (string Uid, string ResourceVersion)> SimObjects(SimulatedCluster sim, GroupVersionResource gvr, ISet<string>? excludedNamespaces = null)
    {
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var o in sim.Store.List(gvr))
        {
            var m = o["metadata"]!;
            var ns = (string?)m["namespace"] ?? "";
            if (excludedNamespaces?.Contains(ns) == true)
            {
                continue;
            }

            result[ns + "/" + (string)m["name"]!] = ((string)m["uid"]!, (string)m["resourceVersion"]!);
        }

        return result;
    }

    public async Task<Dictionary<string, (string Uid, string ResourceVersion)>> StoredObjectsAsync(string cluster, GroupVersionResource gvr)
    {
        var page = await Storage.ListAsync(
            new ResourceQuery { Group = gvr.Group, Version = gvr.Version, Resource = gvr.Resource, Clusters = [cluster], OnlyMetadata = true },
            CancellationToken.None);
        return page.Items.ToDictionary(i => i.Namespace + "/" + i.Name, i => (i.Uid, i.ResourceVersion), StringComparer.Ordinal);
    }

    /// <summary>A PediaCluster spec for a simulator: its URL, CA and token, and the resources given as "group/resource".</summary>
    public static JsonObject SpecFor(SimulatedCluster sim, IEnumerable<GroupVersionResource> resources, string? token = null)
    {
        var spec = new JsonObject { ["apiserver"] = sim.Url.ToString().TrimEnd('/') };
        if (sim.CaCertificatePem is { } ca)
        {
            spec["caData"] = Base64(ca);
        }

        if ((token ?? sim.Token) is { } t)
        {
            spec["tokenData"] = Base64(t);
        }

        spec["syncResources"] = SyncResources(resources);
        return spec;
    }

    public static JsonArray SyncResources(IEnumerable<GroupVersionResource> resources)
    {
        var array = new JsonArray();
        foreach (var g in resources.GroupBy(r => r.Group))
        {
            array.Add(new JsonObject
            {
                ["group"] = g.Key,
                ["resources"] = new JsonArray([.. g.Select(r => (JsonNode)JsonValue.Create(r.Resource))]),
            });
        }

        return array;
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public async ValueTask DisposeAsync()
    {
        await StopSynchroAsync();
        await _handle.DisposeAsync();
        if (_sqliteDirectory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_sqliteDirectory, recursive: true);
        }
    }
}
