using System.Globalization;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.Bench.Results;
using Clusterpedia.Bench.Workload;
using Clusterpedia.Kube;
using Clusterpedia.Storage;

namespace Clusterpedia.Bench.Measurement;

/// <summary>
/// The query shapes of issue 5 and the storage half of issue 8's S2 mix, expressed in the URL form of the search keys
/// over the generated data set. Page-100 shapes carry issue 18's p95 target for the data set's size
/// (<see cref="Issue18Targets.PageP95MsFor"/>: on PostgreSQL 20 ms under 10M rows, 50 ms from there).
/// </summary>
internal static class StorageScenarios
{
    public const int PageSize = 100;

    public static readonly GroupVersionResource Pods = new("", "v1", "pods");
    public static readonly GroupVersionResource Deployments = new("apps", "v1", "deployments");
    public static readonly GroupVersionResource ReplicaSets = new("apps", "v1", "replicasets");

    /// <summary>The deepest page (at most 1000) that a one-cluster pod listing reaches in this data set.</summary>
    public static int DeepPage(WorkloadShape shape) => (int)Math.Min(1000, shape.PodsPerCluster / PageSize);

    /// <summary>Pages through the one-cluster listing to get the continue token of <paramref name="page"/>.</summary>
    public static async Task<string> ContinueTokenOfPageAsync(IResourceStorage storage, int page, CancellationToken cancellationToken)
    {
        string? token = null;
        for (var i = 1; i < page; i++)
        {
            var pairs = ClusterListing(0);
            if (token is not null)
            {
                pairs.Add(Pair("continue", token));
            }

            var result = await storage.ListAsync(ResourceQueryParser.Parse(Pods, pairs, null, null), cancellationToken);
            token = result.Continue ?? throw new InvalidOperationException($"the listing ended at page {i}, before page {page}");
        }

        return token ?? throw new InvalidOperationException("page must be at least 2");
    }

    public static IReadOnlyList<QueryScenario> Build(string engine, WorkloadShape shape, int deepPage, string deepToken)
    {
        var clusters = shape.Clusters;
        var namespaces = shape.Namespaces;
        var perNamespace = shape.DeploymentsPerNamespace;
        string Cluster(int rep) => WorkloadShape.ClusterName(rep % clusters);
        string Namespace(int rep) => WorkloadShape.NamespaceName(rep * 7 % namespaces);
        int Deployment(int rep) => rep * 37 % perNamespace;

        // Only the first DeploymentsPerNamespace apps exist in a small data set.
        int App(int rep) => rep % Math.Min(WorkloadShape.AppCount, perNamespace);
        var limit = Pair("limit", PageSize.ToString(CultureInfo.InvariantCulture));
        var deep = deepPage.ToString(CultureInfo.InvariantCulture);
        var pageTarget = Issue18Targets.PageP95MsFor(engine, shape.Rows);

        return
        [
            new("pods-cluster-page1",
                "pods of one cluster ordered by name, first page of 100",
                Pods, _ => ClusterListing(0), pageTarget),
            new($"pods-cluster-page{deep}",
                $"the same listing, page {deep} through the keyset continue token",
                Pods, _ => [.. ClusterListing(0), Pair("continue", deepToken)], pageTarget),
            new($"pods-cluster-offset-page{deep}",
                $"the same page {deep} through Clusterpedia's integer offset continue (for contrast; no target)",
                Pods, _ => [.. ClusterListing(0), Pair("continue", ((deepPage - 1) * PageSize).ToString(CultureInfo.InvariantCulture))]),
            new("pods-cluster-namespace-page1",
                "pods of one cluster and namespace ordered by name, first page of 100",
                Pods, rep => [Pair("clusters", Cluster(rep)), Pair("namespaces", Namespace(rep)), Pair("orderby", "name"), limit],
                pageTarget),
            new("pods-orderby-name-desc",
                "all pods of every cluster ordered by name desc, first page of 100",
                Pods, _ => [Pair("orderby", "name desc"), limit], pageTarget),
            new("pods-namespace-label",
                "pods of one namespace across clusters with labelSelector app=X,tier=Y, page of 100",
                Pods, rep =>
                {
                    var app = App(rep);
                    return [Pair("namespaces", Namespace(rep)),
                        Pair("labelSelector", $"app={WorkloadShape.App(app)},tier={WorkloadShape.Tier(app)}"), limit];
                },
                pageTarget),
            new("pods-label-all-clusters",
                "pods of every cluster with labelSelector app=X,env=prod, page of 100",
                Pods, rep => [Pair("labelSelector", $"app={WorkloadShape.App(App(rep))},env=prod"), limit],
                pageTarget),
            new("pods-of-deployment",
                "pods of one deployment through its replicaset: ownerName + ownerGR=deployments.apps + ownerSeniority=1",
                Pods, rep =>
                [
                    Pair("clusters", Cluster(rep)), Pair("namespaces", Namespace(rep)),
                    Pair("ownerName", WorkloadShape.DeploymentName(Deployment(rep))), Pair("ownerGR", "deployments.apps"),
                    Pair("ownerSeniority", "1"),
                ],
                pageTarget),
            new("pods-fuzzy-name",
                "pods of every cluster whose name contains a deployment name (fuzzyName), page of 100",
                Pods, rep => [Pair("fuzzyName", WorkloadShape.DeploymentName(Deployment(rep))), limit], pageTarget),
            new("pods-field-phase-namespace",
                "pods of one cluster and namespace with fieldSelector status.phase=Pending (3 % of pods), page of 100",
                Pods, rep => [Pair("clusters", Cluster(rep)), Pair("namespaces", Namespace(rep)),
                    Pair("fieldSelector", "status.phase=" + PodPhase.Pending), limit],
                pageTarget),
            new("pods-field-phase-all",
                "pods of every cluster with fieldSelector status.phase=Failed (1 % of pods), page of 100",
                Pods, _ => [Pair("fieldSelector", "status.phase=" + PodPhase.Failed), limit], pageTarget),
            new("deployments-all-page500",
                "deployments of every cluster, default order, first page of 500",
                Deployments, _ => [Pair("limit", "500")]),
        ];
    }

    private static List<KeyValuePair<string, string?>> ClusterListing(int cluster) =>
    [
        Pair("clusters", WorkloadShape.ClusterName(cluster)),
        Pair("orderby", "name"),
        Pair("limit", PageSize.ToString(CultureInfo.InvariantCulture)),
    ];

    private static KeyValuePair<string, string?> Pair(string key, string value) => new(key, value);
}
