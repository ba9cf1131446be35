using System.Globalization;

namespace Clusterpedia.Bench.Workload;

/// <summary>
/// The size and naming of the generated data set: C clusters × N namespaces, each namespace holding D deployments,
/// each with one replicaset and <see cref="PodsPerDeployment"/> pods (8 rows per deployment). Every name is a pure
/// function of its indexes, so queries can name objects without keeping the data set in memory.
/// </summary>
internal sealed record WorkloadShape(int Clusters, int Namespaces, int DeploymentsPerNamespace)
{
    public const int PodsPerDeployment = 6;
    public const int RowsPerDeployment = PodsPerDeployment + 2;

    private static readonly string[] _apps =
    [
        "checkout", "payments", "ledger", "catalog", "search", "cart", "orders", "inventory", "shipping", "billing",
        "accounts", "profile", "notify", "mailer", "gateway", "auth", "session", "pricing", "reviews", "reports",
        "analytics", "ingest", "exporter", "scheduler", "worker", "frontend", "admin", "media", "thumbnails", "audit",
        "quota", "metering", "ratings", "recommend", "feeds", "chat", "presence", "geo", "tiles", "fraud",
    ];

    private static readonly string[] _tiers = ["frontend", "backend", "cache", "batch"];
    private static readonly string[] _teams = ["core", "growth", "platform", "data", "risk", "mobile", "web", "infra"];

    /// <summary>The shape whose row count is the nearest multiple of C × N × 8 at or above <paramref name="rows"/>.</summary>
    public static WorkloadShape ForRows(int rows, int clusters, int namespaces)
    {
        var perNamespace = (int)Math.Ceiling(rows / (double)(clusters * namespaces * RowsPerDeployment));
        return new WorkloadShape(clusters, namespaces, Math.Max(1, perNamespace));
    }

    public long Deployments => (long)Clusters * Namespaces * DeploymentsPerNamespace;

    public long Pods => Deployments * PodsPerDeployment;

    public long Rows => Deployments * RowsPerDeployment;

    public long PodsPerCluster => (long)Namespaces * DeploymentsPerNamespace * PodsPerDeployment;

    public static int AppCount => _apps.Length;

    public static string ClusterName(int cluster) => "cluster-" + (cluster + 1).ToString("D2", CultureInfo.InvariantCulture);

    public static string NamespaceName(int ns) => "team-ns-" + (ns + 1).ToString("D2", CultureInfo.InvariantCulture);

    public static int AppIndex(int deployment) => deployment % _apps.Length;

    public static string App(int appIndex) => _apps[appIndex];

    public static string Tier(int appIndex) => _tiers[appIndex % _tiers.Length];

    public static string Team(int appIndex) => _teams[appIndex % _teams.Length];

    /// <summary>prod in the first half of the namespaces, staging in the rest.</summary>
    public string Environment(int ns) => ns < Namespaces / 2 ? "prod" : "staging";

    public static string DeploymentName(int deployment) =>
        App(AppIndex(deployment)) + "-" + deployment.ToString("D4", CultureInfo.InvariantCulture);
}
