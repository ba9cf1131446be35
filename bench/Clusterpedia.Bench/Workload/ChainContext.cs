namespace Clusterpedia.Bench.Workload;

/// <summary>What one deployment → replicaset → pods chain shares while it is generated.</summary>
internal sealed record ChainContext(
    string Cluster, string Namespace, string Deployment, int AppIndex, string Environment, string TemplateHash, DateTimeOffset Created)
{
    public string App => WorkloadShape.App(AppIndex);

    public string Tier => WorkloadShape.Tier(AppIndex);

    public string Team => WorkloadShape.Team(AppIndex);
}
