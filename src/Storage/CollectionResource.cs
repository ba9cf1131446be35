namespace Clusterpedia.Storage;

/// <summary>A named search across several resource types (Clusterpedia's CollectionResource).</summary>
/// <param name="Name">e.g. <c>workloads</c>.</param>
/// <param name="Types">The types it spans; empty for <c>any</c>, whose types come from <c>groups=</c> and <c>resources=</c>.</param>
public sealed record CollectionResource(string Name, IReadOnlyList<ResourceTypeFilter> Types)
{
    public const string WorkloadsName = "workloads";
    public const string KubeResourcesName = "kuberesources";
    public const string AnyName = "any";

    /// <summary>Deployments, daemonsets and statefulsets of apps.</summary>
    public static CollectionResource Workloads { get; } = new(WorkloadsName,
    [
        new("apps", null, "deployments"),
        new("apps", null, "daemonsets"),
        new("apps", null, "statefulsets"),
    ]);

    /// <summary>Every resource of the built-in Kubernetes groups.</summary>
    public static CollectionResource KubeResources { get; } = new(KubeResourcesName,
        new[]
        {
            "", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "apps", "authentication.k8s.io",
            "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
            "events.k8s.io", "flowcontrol.apiserver.k8s.io", "networking.k8s.io", "node.k8s.io", "policy",
            "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io", "storagemigration.k8s.io",
        }.Select(g => new ResourceTypeFilter(g)).ToArray());

    /// <summary>Types given per request with <c>groups=</c> and <c>resources=</c>.</summary>
    public static CollectionResource Any { get; } = new(AnyName, []);

    /// <summary>The built-in collections and the custom ones of <see cref="StorageOptions.Collections"/>.</summary>
    public static IReadOnlyList<CollectionResource> All(StorageOptions? options)
    {
        var all = new List<CollectionResource> { Any, KubeResources, Workloads };
        foreach (var (name, specs) in options?.Collections ?? new Dictionary<string, string[]>())
        {
            var key = "Storage:Collections:" + name;
            var types = specs.Select(s => ResourceTypeFilter.Parse(s, isResource: s.Contains('/', StringComparison.Ordinal) && !IsGroupVersion(s), key)).ToArray();
            all.RemoveAll(c => c.Name == name);
            all.Add(new CollectionResource(name, types));
        }

        return all.OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();
    }

    // "batch/v1" names a group version; "apps/deployments" a resource: versions look like v1, v1beta2, v2alpha1.
    private static bool IsGroupVersion(string spec)
    {
        var parts = spec.Split('/');
        return parts.Length == 2 && parts[1].Length > 1 && parts[1][0] == 'v' && char.IsAsciiDigit(parts[1][1])
            && parts[1].Skip(1).All(char.IsAsciiLetterOrDigit);
    }
}
