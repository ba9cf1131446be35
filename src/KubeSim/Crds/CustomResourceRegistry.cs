using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Discovery;
using Clusterpedia.Kube.Printing;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Crds;

/// <summary>
/// The apiextensions-apiserver part of the simulator: turns stored CustomResourceDefinitions into servable,
/// discoverable resources in the catalog (one group per CRD group, versions in Kubernetes priority order) and takes
/// them away again. Called by the store under its lock, so the catalog always matches the stored CRDs.
/// </summary>
internal sealed class CustomResourceRegistry
{
    public const string GroupResource = "customresourcedefinitions.apiextensions.k8s.io";

    private static readonly string[] _verbs = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];
    private static readonly string[] _subresourceVerbs = ["get", "patch", "update"];

    private readonly ApiResourceCatalog _catalog;
    private readonly HashSet<string> _builtInGroups;
    private readonly Dictionary<string, CustomResourceDefinition> _definitions = new(StringComparer.Ordinal);

    public CustomResourceRegistry(ApiResourceCatalog catalog)
    {
        _catalog = catalog;
        _builtInGroups = new HashSet<string>(catalog.Groups.Select(g => g.Name), StringComparer.Ordinal) { string.Empty };
    }

    /// <summary>Checks a CRD as apiextensions-apiserver's validation would (422 Invalid) and fills its status.</summary>
    public CustomResourceDefinition Admit(JsonObject crd)
    {
        var definition = Parse(crd);
        var existing = _definitions.Values.FirstOrDefault(d =>
            d.Name != definition.Name && string.Equals(d.Group, definition.Group, StringComparison.Ordinal)
            && (string.Equals(d.Plural, definition.Plural, StringComparison.Ordinal) || string.Equals(d.Kind, definition.Kind, StringComparison.Ordinal)));
        if (existing is not null)
        {
            throw Invalid(definition.Name, "spec.names", $"Invalid value: already in use by {existing.Name}");
        }

        var storage = definition.Versions.First(v => v.Storage).Name;
        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", crd),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", crd)),
            ["acceptedNames"] = (crd["spec"]?["names"] as JsonObject)?.DeepClone() ?? new JsonObject(),
            ["storedVersions"] = new JsonArray(storage),
        };
        return definition;
    }

    /// <summary>Serves a stored CRD's resource (again, when it changed).</summary>
    public void Register(CustomResourceDefinition definition)
    {
        _definitions[definition.Name] = definition;
        Rebuild(definition.Group);
    }

    /// <summary>Stops serving a deleted CRD's resource; returns its storage identity so its objects can go too.</summary>
    public string? Unregister(string name)
    {
        if (!_definitions.Remove(name, out var definition))
        {
            return null;
        }

        Rebuild(definition.Group);
        return definition.GroupResource;
    }

    private void Rebuild(string group)
    {
        var definitions = _definitions.Values.Where(d => string.Equals(d.Group, group, StringComparison.Ordinal))
            .OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var versions = definitions.SelectMany(d => d.Versions.Where(v => v.Served).Select(v => v.Name))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(v => v, KubeVersionComparer.Instance)
            .Select(version => new ApiGroupVersion(group, version, definitions
                .Select(d => (Definition: d, Version: d.Versions.FirstOrDefault(v => v.Served && v.Name == version)))
                .Where(p => p.Version is not null)
                .Select(p => ToResource(p.Definition, p.Version!))
                .ToList()))
            .ToList();
        _catalog.SetGroup(new ApiGroup(group, versions));
    }

    private static ApiResource ToResource(CustomResourceDefinition definition, CustomResourceVersion version)
    {
        var subresources = new List<ApiSubresource>();
        if (version.HasScale)
        {
            subresources.Add(new ApiSubresource("scale", "Scale", "autoscaling", "v1", _subresourceVerbs));
        }

        if (version.HasStatus)
        {
            subresources.Add(new ApiSubresource("status", definition.Kind, null, null, _subresourceVerbs));
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{definition.Group}/{version.Name}/{definition.Kind}"));
        return new ApiResource
        {
            Group = definition.Group,
            Version = version.Name,
            Name = definition.Plural,
            SingularName = definition.Singular,
            Kind = definition.Kind,
            Namespaced = definition.Namespaced,
            Verbs = _verbs,
            ShortNames = definition.ShortNames,
            Categories = definition.Categories,
            StorageVersionHash = Convert.ToBase64String(hash, 0, 8),
            Subresources = subresources,
            IsCustom = true,
            Schema = version.Schema,
            PrinterColumns = version.PrinterColumns,
        };
    }

    private CustomResourceDefinition Parse(JsonObject crd)
    {
        var name = ObjectJson.GetString(crd["metadata"] as JsonObject, "name") ?? string.Empty;
        var spec = crd["spec"] as JsonObject ?? throw Invalid(name, "spec", "Required value");
        var group = ObjectJson.GetString(spec, "group") ?? string.Empty;
        var names = spec["names"] as JsonObject ?? throw Invalid(name, "spec.names", "Required value");
        var plural = ObjectJson.GetString(names, "plural") ?? string.Empty;
        var kind = ObjectJson.GetString(names, "kind") ?? string.Empty;
        if (group.Length == 0 || !group.Contains('.', StringComparison.Ordinal))
        {
            throw Invalid(name, "spec.group", $"Invalid value: \"{group}\": should be a domain with at least one dot");
        }

        if (_builtInGroups.Contains(group))
        {
            throw Invalid(name, "spec.group", $"Invalid value: \"{group}\": is served by the built-in API");
        }

        if (plural.Length == 0)
        {
            throw Invalid(name, "spec.names.plural", "Required value");
        }

        if (kind.Length == 0)
        {
            throw Invalid(name, "spec.names.kind", "Required value");
        }

        if (!string.Equals(name, $"{plural}.{group}", StringComparison.Ordinal))
        {
            throw Invalid(name, "metadata.name", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group");
        }

        var scope = ObjectJson.GetString(spec, "scope");
        if (scope is not ("Namespaced" or "Cluster"))
        {
            throw Invalid(name, "spec.scope", $"Unsupported value: \"{scope}\": supported values: \"Cluster\", \"Namespaced\"");
        }

        var versions = new List<CustomResourceVersion>();
        foreach (var node in spec["versions"] as JsonArray ?? [])
        {
            if (node is not JsonObject version || ObjectJson.GetString(version, "name") is not { Length: > 0 } versionName)
            {
                throw Invalid(name, "spec.versions", "Invalid value: every version needs a name");
            }

            var subresources = version["subresources"] as JsonObject;
            versions.Add(new CustomResourceVersion(
                versionName,
                version["served"]?.GetValue<bool>() ?? false,
                version["storage"]?.GetValue<bool>() ?? false,
                version["schema"]?["openAPIV3Schema"] is JsonObject schema ? JsonSerializer.SerializeToElement(schema) : null,
                Columns(version["additionalPrinterColumns"] as JsonArray),
                subresources?["status"] is not null,
                subresources?["scale"] is not null));
        }

        if (versions.Count == 0)
        {
            throw Invalid(name, "spec.versions", "Invalid value: must have exactly one version marked as storage version");
        }

        if (versions.Count(v => v.Storage) != 1)
        {
            throw Invalid(name, "spec.versions", "Invalid value: must have exactly one version marked as storage version");
        }

        return new CustomResourceDefinition(
            name,
            group,
            plural,
            ObjectJson.GetString(names, "singular") ?? kind.ToLowerInvariant(),
            kind,
            ObjectJson.GetString(names, "listKind") ?? kind + "List",
            scope == "Namespaced",
            Strings(names["shortNames"] as JsonArray),
            Strings(names["categories"] as JsonArray),
            versions);
    }

    private static List<CustomColumn> Columns(JsonArray? columns) =>
        columns?.OfType<JsonObject>().Select(c => new CustomColumn(
            ObjectJson.GetString(c, "name") ?? string.Empty,
            ObjectJson.GetString(c, "type") ?? "string",
            ObjectJson.GetString(c, "format"),
            ObjectJson.GetString(c, "description"),
            c["priority"] is JsonValue priority ? priority.GetValue<int>() : 0,
            ObjectJson.GetString(c, "jsonPath") ?? string.Empty)).ToList() ?? [];

    private static string[] Strings(JsonArray? array) =>
        array?.Select(n => n?.GetValue<string>()).OfType<string>().ToArray() ?? [];

    private static JsonObject Condition(string type, string reason, string message, JsonObject crd) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = ObjectJson.GetString(crd["metadata"] as JsonObject, "creationTimestamp")
            ?? KubeTime.Format(DateTimeOffset.UnixEpoch),
        ["reason"] = reason,
        ["message"] = message,
    };

    private static SimulatorApiException Invalid(string name, string field, string problem) =>
        SimulatorApiException.Invalid("apiextensions.k8s.io", "CustomResourceDefinition", name, field, problem);
}
