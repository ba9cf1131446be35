using System.Collections.Frozen;
using System.Text.Json;

namespace Clusterpedia.KubeSim.Discovery;

/// <summary>
/// Every group, version and resource this simulated cluster serves. Built-in entries come from the upstream discovery
/// documents embedded in the assembly; custom resources are added and removed as CRDs come and go. Readers see an
/// immutable snapshot, writers swap it.
/// </summary>
internal sealed class ApiResourceCatalog
{
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot;

    private ApiResourceCatalog(ApiGroupVersion core, IReadOnlyList<ApiGroup> groups)
    {
        _snapshot = new Snapshot(core, groups);
    }

    /// <summary>The core group (<c>/api/v1</c>).</summary>
    public ApiGroupVersion Core => _snapshot.Core;

    /// <summary>The named groups (<c>/apis</c>), in server priority order.</summary>
    public IReadOnlyList<ApiGroup> Groups => _snapshot.Groups;

    public ApiResource? Find(string group, string version, string resource) =>
        _snapshot.Resources.TryGetValue((group, version, resource), out var found) ? found : null;

    public ApiGroup? FindGroup(string name) =>
        _snapshot.Groups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.Ordinal));

    public ApiGroupVersion? FindGroupVersion(string group, string version)
    {
        if (group.Length == 0)
        {
            return string.Equals(version, Core.Version, StringComparison.Ordinal) ? Core : null;
        }

        return FindGroup(group)?.Versions.FirstOrDefault(v => string.Equals(v.Version, version, StringComparison.Ordinal));
    }

    /// <summary>Every resource of every group-version, core first.</summary>
    public IEnumerable<ApiResource> AllResources() => _snapshot.Resources.Values;

    /// <summary>Adds or replaces a whole group (how a CRD's group appears); built-in groups keep their place in the order.</summary>
    public void SetGroup(ApiGroup group)
    {
        lock (_writeLock)
        {
            var current = _snapshot;
            var groups = current.Groups.ToList();
            var index = groups.FindIndex(g => string.Equals(g.Name, group.Name, StringComparison.Ordinal));
            if (group.Versions.Count == 0)
            {
                if (index >= 0)
                {
                    groups.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                groups[index] = group;
            }
            else
            {
                groups.Add(group);
            }

            _snapshot = new Snapshot(current.Core, groups);
        }
    }

    public static ApiResourceCatalog LoadBuiltIn()
    {
        using var coreDocument = ReadDocument("api__v1.json");
        var core = ParseLegacyCore(coreDocument.RootElement);
        using var aggregated = ReadDocument("aggregated_v2.json");
        var hashes = ReadStorageVersionHashes();
        var groups = new List<ApiGroup>();
        foreach (var item in aggregated.RootElement.GetProperty("items").EnumerateArray())
        {
            var groupName = item.GetProperty("metadata").GetProperty("name").GetString()!;
            var versions = new List<ApiGroupVersion>();
            foreach (var versionElement in item.GetProperty("versions").EnumerateArray())
            {
                var version = versionElement.GetProperty("version").GetString()!;
                var resources = new List<ApiResource>();
                foreach (var r in versionElement.GetProperty("resources").EnumerateArray())
                {
                    resources.Add(ParseAggregatedResource(groupName, version, r, hashes));
                }

                versions.Add(new ApiGroupVersion(groupName, version, resources));
            }

            groups.Add(new ApiGroup(groupName, versions));
        }

        return new ApiResourceCatalog(core, groups);
    }

    private static ApiResource ParseAggregatedResource(
        string group, string version, JsonElement r, Dictionary<(string, string), string> hashes)
    {
        var name = r.GetProperty("resource").GetString()!;
        var subresources = new List<ApiSubresource>();
        if (r.TryGetProperty("subresources", out var subs))
        {
            foreach (var s in subs.EnumerateArray())
            {
                var kind = s.GetProperty("responseKind");
                subresources.Add(new ApiSubresource(
                    s.GetProperty("subresource").GetString()!,
                    kind.GetProperty("kind").GetString()!,
                    NullIfEmpty(kind, "group"),
                    NullIfEmpty(kind, "version"),
                    Strings(s, "verbs")));
            }
        }

        var groupResource = $"{name}.{group}";
        return new ApiResource
        {
            Group = group,
            Version = version,
            Name = name,
            SingularName = r.TryGetProperty("singularResource", out var singular) ? singular.GetString()! : name,
            Kind = r.GetProperty("responseKind").GetProperty("kind").GetString()!,
            Namespaced = string.Equals(r.GetProperty("scope").GetString(), "Namespaced", StringComparison.Ordinal),
            Verbs = Strings(r, "verbs"),
            ShortNames = Strings(r, "shortNames"),
            Categories = Strings(r, "categories"),
            StorageVersionHash = hashes.GetValueOrDefault(($"{group}/{version}", name)),
            Subresources = subresources,
            SelectableFields = SelectableFields.For(groupResource),
        };
    }

    private static ApiGroupVersion ParseLegacyCore(JsonElement root)
    {
        var all = root.GetProperty("resources").EnumerateArray().ToList();
        var resources = new List<ApiResource>();
        foreach (var r in all)
        {
            var name = r.GetProperty("name").GetString()!;
            if (name.Contains('/', StringComparison.Ordinal))
            {
                continue;
            }

            var prefix = name + "/";
            var subresources = all
                .Where(s => s.GetProperty("name").GetString()!.StartsWith(prefix, StringComparison.Ordinal))
                .Select(s => new ApiSubresource(
                    s.GetProperty("name").GetString()![prefix.Length..],
                    s.GetProperty("kind").GetString()!,
                    s.TryGetProperty("group", out var g) ? g.GetString() : null,
                    s.TryGetProperty("version", out var v) ? v.GetString() : null,
                    Strings(s, "verbs")))
                .ToList();
            resources.Add(new ApiResource
            {
                Group = string.Empty,
                Version = "v1",
                Name = name,
                SingularName = r.GetProperty("singularName").GetString()!,
                Kind = r.GetProperty("kind").GetString()!,
                Namespaced = r.GetProperty("namespaced").GetBoolean(),
                Verbs = Strings(r, "verbs"),
                ShortNames = Strings(r, "shortNames"),
                Categories = Strings(r, "categories"),
                StorageVersionHash = r.TryGetProperty("storageVersionHash", out var hash) ? hash.GetString() : null,
                Subresources = subresources,
                SelectableFields = SelectableFields.For(name),
            });
        }

        return new ApiGroupVersion(string.Empty, "v1", resources);
    }

    /// <summary>The aggregated document has no storage version hashes; the legacy per-group documents do.</summary>
    private static Dictionary<(string, string), string> ReadStorageVersionHashes()
    {
        var hashes = new Dictionary<(string, string), string>();
        var assembly = typeof(ApiResourceCatalog).Assembly;
        foreach (var resourceName in assembly.GetManifestResourceNames())
        {
            if (!resourceName.StartsWith("Discovery.apis__", StringComparison.Ordinal))
            {
                continue;
            }

            using var document = ReadDocument(resourceName["Discovery.".Length..]);
            var groupVersion = document.RootElement.GetProperty("groupVersion").GetString()!;
            foreach (var r in document.RootElement.GetProperty("resources").EnumerateArray())
            {
                if (r.TryGetProperty("storageVersionHash", out var hash))
                {
                    hashes[(groupVersion, r.GetProperty("name").GetString()!)] = hash.GetString()!;
                }
            }
        }

        return hashes;
    }

    private static JsonDocument ReadDocument(string fileName)
    {
        using var stream = typeof(ApiResourceCatalog).Assembly.GetManifestResourceStream("Discovery." + fileName)
            ?? throw new InvalidOperationException($"Embedded discovery document {fileName} is missing.");
        return JsonDocument.Parse(stream);
    }

    private static string? NullIfEmpty(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.GetString() is { Length: > 0 } text ? text : null;

    private static string[] Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var array)
            ? array.EnumerateArray().Select(e => e.GetString()!).ToArray()
            : [];

    private sealed class Snapshot
    {
        public Snapshot(ApiGroupVersion core, IReadOnlyList<ApiGroup> groups)
        {
            Core = core;
            Groups = groups;
            var resources = new Dictionary<(string, string, string), ApiResource>();
            foreach (var r in core.Resources)
            {
                resources[(r.Group, r.Version, r.Name)] = r;
            }

            foreach (var gv in groups.SelectMany(g => g.Versions))
            {
                foreach (var r in gv.Resources)
                {
                    resources[(r.Group, r.Version, r.Name)] = r;
                }
            }

            Resources = resources.ToFrozenDictionary();
        }

        public ApiGroupVersion Core { get; }

        public IReadOnlyList<ApiGroup> Groups { get; }

        public FrozenDictionary<(string, string, string), ApiResource> Resources { get; }
    }
}
