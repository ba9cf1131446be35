using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    private static ResourceRecord Deployment(string cluster, string ns) => SeedData.Deployments.Single(d => d.Cluster == cluster && d.Namespace == ns);

    private static ResourceRecord ReplicaSet(string cluster, string ns) => SeedData.ReplicaSets.Single(d => d.Cluster == cluster && d.Namespace == ns);

    [Fact]
    public Task ListAsync_OwnerUid_ChildrenOfReplicaSet() =>
        ExpectPodsAsync(Pods() with { OwnerUid = ReplicaSet("cluster-1", "team-a").Uid }, p => p.OwnerUid == ReplicaSet("cluster-1", "team-a").Uid);

    [Fact]
    public Task ListAsync_OwnerUidSeniority1_PodsOfDeploymentThroughReplicaSets() =>
        ExpectPodsAsync(
            Pods() with { OwnerSeniority = 1, OwnerUid = Deployment("cluster-2", "default").Uid },
            p => p.OwnerUid == ReplicaSet("cluster-2", "default").Uid);

    [Fact]
    public Task ListAsync_OwnerUidSeniority0OfDeployment_NoPods() =>
        ExpectPodsAsync(Pods() with { OwnerUid = Deployment("cluster-2", "default").Uid }, _ => false);

    [Fact]
    public Task ListAsync_OwnerUidOfDeployment_ReplicaSetsAreChildren() =>
        ExpectAsync(
            new ResourceQuery { Group = "apps", Version = "v1", Resource = "replicasets", OwnerUid = Deployment("cluster-1", "default").Uid },
            [ReplicaSet("cluster-1", "default")]);

    [Fact]
    public Task ListAsync_OwnerNameSeniority1InClusterAndNamespace_PodsOfThatDeployment() =>
        ExpectPodsAsync(
            Pods() with { Clusters = ["cluster-1"], Namespaces = ["team-a"], OwnerName = "web", OwnerGroupResource = "deployments.apps", OwnerSeniority = 1 },
            p => p.OwnerUid == ReplicaSet("cluster-1", "team-a").Uid);

    [Fact]
    public Task ListAsync_OwnerNameSeniority1AcrossClusters_PodsOfEveryWebDeployment() =>
        ExpectPodsAsync(
            Pods() with { OwnerName = "web", OwnerGroupResource = "deployments.apps", OwnerSeniority = 1 },
            p => SeedData.ReplicaSets.Any(rs => rs.Uid == p.OwnerUid));

    [Fact]
    public Task ListAsync_OwnerNameWithReplicaSetGroupResource_PodsOfThatReplicaSet() =>
        ExpectPodsAsync(Pods() with { Clusters = ["cluster-2"], Namespaces = ["default"], OwnerName = "web-abc", OwnerGroupResource = "replicasets.apps" }, p => p.OwnerUid == ReplicaSet("cluster-2", "default").Uid);

    [Fact]
    public Task ListAsync_OwnerNameWithWrongGroupResource_Nothing() =>
        ExpectPodsAsync(Pods() with { OwnerName = "web-abc", OwnerGroupResource = "deployments.apps" }, _ => false);

    [Fact]
    public Task ListAsync_OwnerUidSeniority2_NothingBelowPods() =>
        ExpectPodsAsync(Pods() with { OwnerSeniority = 2, OwnerUid = Deployment("cluster-2", "default").Uid }, _ => false);

    [Fact]
    public Task ListAsync_OwnerUidFromOtherCluster_NotMixed() =>
        ExpectPodsAsync(Pods() with { Clusters = ["cluster-2"], OwnerUid = ReplicaSet("cluster-1", "default").Uid }, _ => false);

    [Theory]
    [InlineData(null, "deployments.apps", 0, "ownerGR")]
    [InlineData(null, null, 1, "ownerSeniority")]
    [InlineData("web", ".apps", 0, "ownerGR")]
    public async Task ListAsync_IncompleteOwnerQuery_InvalidQueryNamingKey(string? ownerName, string? ownerGroupResource, int seniority, string field)
    {
        var query = Pods() with { OwnerName = ownerName, OwnerGroupResource = ownerGroupResource, OwnerSeniority = seniority };

        var error = await Should.ThrowAsync<InvalidQueryException>(() => Storage.ListAsync(query, Ct));

        error.Field.ShouldBe(field);
    }

    [Fact]
    public async Task ListAsync_SameUidsInTwoClusters_OwnerLevelsStayInTheirCluster()
    {
        // Simulators seeded from the same fixtures repeat uids across clusters: every owner level pairs (cluster, uid).
        var (resource, query) = Private(nameof(ListAsync_SameUidsInTwoClusters_OwnerLevelsStayInTheirCluster));
        ResourceRecord Node(string cluster, string name, string uid, string? owner) =>
            TestObjects.Object(cluster, "test.storage", "v1", resource, "Widget", "ns", name, ownerUid: owner, uid: uid);
        await Storage.UpsertAsync(
        [
            Node("a", "top", "u-top", null), Node("a", "mid", "u-mid", "u-top"), Node("a", "leaf", "u-leaf", "u-mid"),
            Node("b", "top-b", "u-other", null), Node("b", "mid", "u-mid", "u-other"), Node("b", "leaf", "u-leaf-b", "u-mid"),
        ], Ct);

        var grandchildren = await ListAllAsync(new ResourceQuery { Group = query.Group, Version = query.Version, Resource = resource, OwnerUid = "u-top", OwnerSeniority = 1 });
        var childrenOfMid = await ListAllAsync(new ResourceQuery { Group = query.Group, Version = query.Version, Resource = resource, OwnerUid = "u-mid" });
        var childrenOfMidInB = await ListAllAsync(new ResourceQuery { Group = query.Group, Version = query.Version, Resource = resource, OwnerUid = "u-mid", Clusters = ["b"] });

        grandchildren.Select(Id).ShouldBe(["a/ns/leaf"]);
        childrenOfMid.Select(Id).ShouldBe(["a/ns/leaf", "b/ns/leaf"]);
        childrenOfMidInB.Select(Id).ShouldBe(["b/ns/leaf"]);
    }

    [Fact]
    public async Task GetChangesAsync_OwnerQuery_AppliesToChanges()
    {
        var start = await RevisionAsync();
        var (resource, query) = Private(nameof(GetChangesAsync_OwnerQuery_AppliesToChanges));
        await Storage.UpsertAsync(
        [
            TestObjects.Object("c", "test.storage", "v1", resource, "Widget", "ns", "parent", uid: "p-1"),
            TestObjects.Object("c", "test.storage", "v1", resource, "Widget", "ns", "child", ownerUid: "p-1", uid: "c-1"),
            TestObjects.Object("c", "test.storage", "v1", resource, "Widget", "ns", "stranger", uid: "s-1"),
        ], Ct);

        var changes = await Changes.GetChangesAsync(new ResourceQuery { Group = query.Group, Version = query.Version, Resource = resource, OwnerUid = "p-1" }, start, 10, Ct);

        changes.Changes.Select(c => c.Resource.Name).ShouldBe(["child"]);
    }
}
