using System.Collections.Frozen;

namespace Clusterpedia.Kube.Printing;

/// <summary>Finds the printer kube-apiserver would use for a resource.</summary>
public static class TablePrinters
{
    private static readonly FrozenDictionary<(string Group, string Resource), ITablePrinter> _builtIn = BuildBuiltIn();

    /// <summary>
    /// What kube-apiserver prints for a built-in resource without a printer of its own: Name and "Created At"
    /// (type date, an RFC 3339 timestamp). CRDs without printer columns get Name and Age instead; see
    /// <see cref="ForCustomResource"/>.
    /// </summary>
    public static ITablePrinter Default { get; } = new DefaultPrinter();

    /// <summary>The printer of a built-in resource, e.g. ("apps", "deployments") or ("", "pods"); null when it has none.</summary>
    public static ITablePrinter? ForBuiltIn(string group, string resource)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(resource);
        return _builtIn.GetValueOrDefault((group, resource));
    }

    /// <summary>
    /// The printer for a custom resource version with these <c>additionalPrinterColumns</c>: Name, then the columns.
    /// With no columns, apiextensions-apiserver serves a single Age column (type date) after Name.
    /// </summary>
    public static ITablePrinter ForCustomResource(IReadOnlyList<CustomColumn> additionalPrinterColumns)
    {
        ArgumentNullException.ThrowIfNull(additionalPrinterColumns);
        return new CustomResourcePrinter(additionalPrinterColumns);
    }

    private static FrozenDictionary<(string Group, string Resource), ITablePrinter> BuildBuiltIn()
    {
        var deployments = new DeploymentPrinter();
        var replicaSets = new ReplicaSetPrinter(replicationController: false);
        var daemonSets = new DaemonSetPrinter();
        var ingresses = new IngressPrinter();
        var printers = new Dictionary<(string, string), ITablePrinter>
        {
            [("", "pods")] = new PodPrinter(),
            [("", "namespaces")] = new NamespacePrinter(),
            [("", "replicationcontrollers")] = new ReplicaSetPrinter(replicationController: true),
            [("", "services")] = new ServicePrinter(),
            [("", "nodes")] = new NodePrinter(),
            [("", "configmaps")] = new ConfigMapPrinter(),
            [("", "secrets")] = new SecretPrinter(),
            [("", "serviceaccounts")] = new ServiceAccountPrinter(),
            [("", "endpoints")] = new EndpointsPrinter(),
            [("", "events")] = new EventPrinter(eventsApi: false),
            [("", "persistentvolumes")] = new PersistentVolumePrinter(claim: false),
            [("", "persistentvolumeclaims")] = new PersistentVolumePrinter(claim: true),
            [("apps", "deployments")] = deployments,
            [("apps", "replicasets")] = replicaSets,
            [("apps", "statefulsets")] = new StatefulSetPrinter(),
            [("apps", "daemonsets")] = daemonSets,
            [("extensions", "deployments")] = deployments,
            [("extensions", "replicasets")] = replicaSets,
            [("extensions", "daemonsets")] = daemonSets,
            [("extensions", "ingresses")] = ingresses,
            [("batch", "jobs")] = new JobPrinter(),
            [("batch", "cronjobs")] = new CronJobPrinter(),
            [("networking.k8s.io", "ingresses")] = ingresses,
            [("events.k8s.io", "events")] = new EventPrinter(eventsApi: true),
            [("autoscaling", "horizontalpodautoscalers")] = new HorizontalPodAutoscalerPrinter(),
            [("", "podtemplates")] = new PodTemplatePrinter(),
            [("policy", "poddisruptionbudgets")] = new PodDisruptionBudgetPrinter(),
            [("networking.k8s.io", "ingressclasses")] = new IngressClassPrinter(),
            [("networking.k8s.io", "networkpolicies")] = new NetworkPolicyPrinter(),
            [("discovery.k8s.io", "endpointslices")] = new EndpointSlicePrinter(),
            [("rbac.authorization.k8s.io", "rolebindings")] = new RoleBindingPrinter(cluster: false),
            [("rbac.authorization.k8s.io", "clusterrolebindings")] = new RoleBindingPrinter(cluster: true),
            [("storage.k8s.io", "storageclasses")] = new StorageClassPrinter(),
            [("coordination.k8s.io", "leases")] = new LeasePrinter(),
            [("apiregistration.k8s.io", "apiservices")] = new ApiServicePrinter(),
            [("scheduling.k8s.io", "priorityclasses")] = new PriorityClassPrinter(),
            [("node.k8s.io", "runtimeclasses")] = new RuntimeClassPrinter(),
        };
        return printers.ToFrozenDictionary();
    }
}
