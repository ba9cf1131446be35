namespace Clusterpedia.Ctl;

/// <summary>
/// What pediactl knows of owner kinds: the platform an API group belongs to (the DeepFlow seed's guesses), the
/// resource name of a kind that is not served (so discovery cannot say), and the resources a platform needs synced
/// together (OpenKruise: CloneSet and Advanced StatefulSet, whose <c>statefulsets</c> name clashes with apps').
/// </summary>
internal static class OwnerKinds
{
    private static readonly Dictionary<string, string> _platforms = new(StringComparer.Ordinal)
    {
        ["apps.kruise.io"] = "OpenKruise",
        ["opengauss.sig"] = "openGauss",
        ["route.openshift.io"] = "OpenShift",
        ["apps.openshift.io"] = "OpenShift",
    };

    private static readonly Dictionary<string, string[]> _platformResources = new(StringComparer.Ordinal)
    {
        ["apps.kruise.io"] = ["clonesets", "statefulsets"],
        ["opengauss.sig"] = ["opengaussclusters"],
        ["route.openshift.io"] = ["routes"],
    };

    private static readonly Dictionary<string, string> _plurals = new(StringComparer.Ordinal)
    {
        ["OpenGaussCluster"] = "opengaussclusters",
        ["CloneSet"] = "clonesets",
        ["StatefulSet"] = "statefulsets",
        ["ReplicaSet"] = "replicasets",
        ["Deployment"] = "deployments",
        ["DaemonSet"] = "daemonsets",
        ["Job"] = "jobs",
        ["CronJob"] = "cronjobs",
        ["ReplicationController"] = "replicationcontrollers",
        ["Node"] = "nodes",
        ["Route"] = "routes",
        ["DeploymentConfig"] = "deploymentconfigs",
        ["InPlaceSet"] = "inplacesets",
        ["CafeDeployment"] = "cafedeployments",
    };

    public static string Platform(string group) => _platforms.GetValueOrDefault(group, "-");

    public static string GroupOf(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : apiVersion[..slash];
    }

    /// <summary>The resource name of a kind, as the API names it (kube's default pluralization for kinds we do not know).</summary>
    public static string Plural(string kind)
    {
        if (_plurals.TryGetValue(kind, out var plural))
        {
            return plural;
        }

        var lower = kind.ToLowerInvariant();
        if (lower.EndsWith('s') || lower.EndsWith('x') || lower.EndsWith("ch", StringComparison.Ordinal) || lower.EndsWith("sh", StringComparison.Ordinal))
        {
            return lower + "es";
        }

        return lower.EndsWith('y') && lower.Length > 1 && !"aeiou".Contains(lower[^2], StringComparison.Ordinal) ? lower[..^1] + "ies" : lower + "s";
    }

    /// <summary>The resources to sync for a missing owner kind: the kind's own, and those its platform needs with it.</summary>
    public static IEnumerable<string> ResourcesFor(string group, string kind) =>
        new[] { Plural(kind) }.Concat(_platformResources.GetValueOrDefault(group, []));
}
