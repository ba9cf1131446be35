using Clusterpedia.Storage.Tests.Fixtures;
using static Clusterpedia.Storage.Tests.Fixtures.TypedQuery;

namespace Clusterpedia.Storage.Tests.Specification;

/// <summary>Per-user visibility (<see cref="ResourceQuery.Access"/>): filtered inside the query, so pages and counts stay exact.</summary>
public abstract partial class ResourceStorageSpecification<TFixture>
{
    private static readonly AccessGrant[] _viewerAccess =
    [
        new("cluster-1", ["default"]),
        new("cluster-2", null),
    ];

    private static bool ViewerSees(ResourceRecord r) => (r.Cluster == "cluster-1" && r.Namespace == "default") || r.Cluster == "cluster-2";

    [Fact]
    public Task ListAsync_AccessGrants_OnlyGrantedClustersAndNamespaces() =>
        ExpectPodsAsync(Pods() with { Access = _viewerAccess }, ViewerSees);

    [Fact]
    public Task ListAsync_NoAccessGrants_Nothing() =>
        ExpectPodsAsync(Pods() with { Access = [] }, _ => false);

    [Fact]
    public Task ListAsync_GrantWithNoNamespaces_NothingOfThatCluster() =>
        ExpectPodsAsync(Pods() with { Access = [new("cluster-1", []), new("cluster-2", ["team-a"])] }, r => r.Cluster == "cluster-2" && r.Namespace == "team-a");

    [Fact]
    public Task ListAsync_AccessAndNamespaceCondition_BothHold() =>
        ExpectPodsAsync(Pods(namespaces: ["kube-system"]) with { Access = _viewerAccess }, r => ViewerSees(r) && r.Namespace == "kube-system");

    [Fact]
    public async Task ListAsync_AccessWithLimitAndContinue_EveryVisiblePodOnceWithExactRemainingCount()
    {
        var visible = DefaultOrder(SeedData.Pods.Where(ViewerSees)).Select(Id).ToArray();
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Storage.ListAsync(Pods(limit: 3, continueToken: token) with { Access = _viewerAccess, WithRemainingCount = true }, Ct);
            seen.AddRange(page.Items.Select(Id));
            token = page.Continue;
            if (token is not null)
            {
                page.RemainingItemCount.ShouldBe(visible.Length - seen.Count);
            }
        }
        while (token is not null);

        seen.ShouldBe(visible);
    }

    [Fact]
    public async Task ListAsync_AccessWithRemainingCountBound_CountsOnlyVisible()
    {
        var page = await Storage.ListAsync(Pods(limit: 2) with { Access = _viewerAccess, RemainingCountBound = 1000 }, Ct);

        page.RemainingItemCount.ShouldBe(SeedData.Pods.Count(ViewerSees) - 2);
    }

    [Fact]
    public async Task ListAsync_ClusterScopedObjectWithNamespaceGrant_Hidden()
    {
        var (resource, query) = Private(nameof(ListAsync_ClusterScopedObjectWithNamespaceGrant_Hidden));
        await Storage.UpsertAsync([Item(resource, "c1", "", "global"), Item(resource, "c2", "", "global")], Ct);

        var items = await ListAllAsync(query with { Access = [new("c1", ["default"]), new("c2", null)] });

        items.Select(Id).ShouldBe(["c2//global"]);
    }

    [Fact]
    public Task ListAsync_CollectionWithTypedGrants_EachTypeItsOwnGrant() =>
        ExpectCollectionAsync(
            Across([new ResourceTypeFilter("apps", null, "deployments"), new ResourceTypeFilter("", null, "pods")]) with
            {
                Access = [new("cluster-1", null, "apps", "deployments"), new("cluster-2", ["team-a"], "", "pods")],
            },
            r => (r.Cluster == "cluster-1" && r.Group == "apps" && r.Resource == "deployments")
                || (r.Cluster == "cluster-2" && r.Namespace == "team-a" && r.Group == "" && r.Resource == "pods"));

    [Fact]
    public async Task GetChangesAsync_Access_OnlyVisibleChanges()
    {
        var (resource, query) = Private(nameof(GetChangesAsync_Access_OnlyVisibleChanges));
        var start = await RevisionAsync();
        await Storage.UpsertAsync([Item(resource, "c1", "default", "seen"), Item(resource, "c1", "secret", "hidden"), Item(resource, "c2", "x", "other")], Ct);
        await Storage.DeleteAsync([Item(resource, "c1", "secret", "hidden").Key, Item(resource, "c1", "default", "seen").Key], Ct);

        var changes = await Changes.GetChangesAsync(query with { Access = [new("c1", ["default"])] }, start, 100, Ct);

        changes.Changes.Select(c => (c.Type, c.Resource.Name)).ShouldBe([(ResourceChangeType.Deleted, "seen")]);
    }
}
