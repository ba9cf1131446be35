using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    private static ResourceRecord Deployment(string cluster, string ns) => SeedData.Deployments.Single(d => d.Cluster == cluster && d.Namespace == ns);

    private static ResourceRecord ReplicaSet(string cluster, string ns) => SeedData.ReplicaSets.Single(d => d.Cluster == cluster && d.Namespace == ns);

    [Fact]
    public Task ListAsync_OwnerUid_ChildrenOfReplicaSet() =>
        ExpectPodsAsync(Url("ownerUID=" + Uri.EscapeDataString(ReplicaSet("cluster-1", "team-a").Uid)), p => p.OwnerUid == ReplicaSet("cluster-1", "team-a").Uid);

    [Fact]
    public Task ListAsync_OwnerUidSeniority1_PodsOfDeploymentThroughReplicaSets() =>
        ExpectPodsAsync(
            Url("ownerSeniority=1&ownerUID=" + Uri.EscapeDataString(Deployment("cluster-2", "default").Uid)),
            p => p.OwnerUid == ReplicaSet("cluster-2", "default").Uid);

    [Fact]
    public Task ListAsync_OwnerUidSeniority0OfDeployment_NoPods() =>
        ExpectPodsAsync(Url("ownerUID=" + Uri.EscapeDataString(Deployment("cluster-2", "default").Uid)), _ => false);

    [Fact]
    public Task ListAsync_OwnerUidOfDeployment_ReplicaSetsAreChildren() =>
        ExpectAsync(
            new ResourceQuery { Group = "apps", Version = "v1", Resource = "replicasets", OwnerUid = Deployment("cluster-1", "default").Uid },
            [ReplicaSet("cluster-1", "default")]);

    [Fact]
    public Task ListAsync_OwnerNameSeniority1InClusterAndNamespace_PodsOfThatDeployment() =>
        ExpectPodsAsync(
            Url("clusters=cluster-1&namespaces=team-a&ownerName=web&ownerGR=deployments.apps&ownerSeniority=1"),
            p => p.OwnerUid == ReplicaSet("cluster-1", "team-a").Uid);

    [Fact]
    public Task ListAsync_OwnerNameSeniority1AcrossClusters_PodsOfEveryWebDeployment() =>
        ExpectPodsAsync(
            Url("labelSelector=" + Uri.EscapeDataString("search.clusterpedia.io/owner-name=web,search.clusterpedia.io/owner-gr=deployments.apps,search.clusterpedia.io/owner-seniority=1")),
            p => SeedData.ReplicaSets.Any(rs => rs.Uid == p.OwnerUid));

    [Fact]
    public Task ListAsync_OwnerNameWithReplicaSetGroupResource_PodsOfThatReplicaSet() =>
        ExpectPodsAsync(Url("clusters=cluster-2&namespaces=default&ownerName=web-abc&ownerGR=replicasets.apps"), p => p.OwnerUid == ReplicaSet("cluster-2", "default").Uid);

    [Fact]
    public Task ListAsync_OwnerNameWithWrongGroupResource_Nothing() =>
        ExpectPodsAsync(Url("ownerName=web-abc&ownerGR=deployments.apps"), _ => false);

    [Fact]
    public Task ListAsync_OwnerUidSeniority2_NothingBelowPods() =>
        ExpectPodsAsync(Url("ownerSeniority=2&ownerUID=" + Uri.EscapeDataString(Deployment("cluster-2", "default").Uid)), _ => false);

    [Fact]
    public Task ListAsync_OwnerUidFromOtherCluster_NotMixed() =>
        ExpectPodsAsync(Url("clusters=cluster-2&ownerUID=" + Uri.EscapeDataString(ReplicaSet("cluster-1", "default").Uid)), _ => false);

    [Theory]
    [InlineData("ownerGR=deployments.apps", "ownerGR")]
    [InlineData("ownerSeniority=1", "ownerSeniority")]
    [InlineData("ownerName=web&ownerGR=.apps", "ownerGR")]
    public async Task ListAsync_IncompleteOwnerQuery_InvalidQueryNamingKey(string query, string field)
    {
        var error = await Should.ThrowAsync<InvalidQueryException>(() => Storage.ListAsync(Url(query), Ct));

        error.Field.ShouldBe(field);
    }
}
