using Clusterpedia.Storage.Tests.Fixtures;
using static Clusterpedia.Storage.Tests.Fixtures.TypedQuery;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    /// <summary>Default order of a collection: cluster, namespace, name, then the type.</summary>
    private static IEnumerable<ResourceRecord> CollectionOrder(IEnumerable<ResourceRecord> records) =>
        DefaultOrder(records).ThenBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Version, StringComparer.Ordinal).ThenBy(r => r.Resource, StringComparer.Ordinal);

    private static string TypedId(ResourceRecord r) => $"{r.Group}/{r.Resource}:{Id(r)}";

    private static string TypedId(StoredResource r) => $"{r.Group}/{r.Resource}:{Id(r)}";

    private async Task ExpectCollectionAsync(ResourceQuery query, Func<ResourceRecord, bool> predicate)
    {
        var items = await ListAllAsync(query);
        items.Select(TypedId).ToArray().ShouldBe(CollectionOrder(SeedData.All.Where(predicate)).Select(TypedId).ToArray());
    }

    [Fact]
    public Task ListAsync_WorkloadsCollection_DeploymentsStatefulSetsDaemonSets() =>
        ExpectCollectionAsync(Across(CollectionResource.Workloads.Types), r => r.Group == "apps" && r.Resource is "deployments" or "statefulsets" or "daemonsets");

    [Fact]
    public Task ListAsync_KubeResourcesCollection_OnlyBuiltInGroups() =>
        ExpectCollectionAsync(Across(CollectionResource.KubeResources.Types), r => r.Group is "" or "apps");

    [Fact]
    public Task ListAsync_AnyCollectionByGroup_ThatGroupEveryVersion() =>
        ExpectCollectionAsync(Across([new ResourceTypeFilter("example.io")]), r => r.Group == "example.io");

    [Fact]
    public Task ListAsync_AnyCollectionByGroupVersion_OnlyThatVersion() =>
        ExpectCollectionAsync(Across([new ResourceTypeFilter("example.io", "v1alpha1")]), r => r.Group == "example.io" && r.Version == "v1alpha1");

    [Fact]
    public Task ListAsync_AnyCollectionByResources_CoreAndGroupResources() =>
        ExpectCollectionAsync(Across([new ResourceTypeFilter("apps", null, "deployments"), new ResourceTypeFilter("", null, "pods")]) with { Namespaces = ["team-a"] },
            r => r.Namespace == "team-a" && ((r.Group == "apps" && r.Resource == "deployments") || (r.Group == "" && r.Resource == "pods")));

    [Fact]
    public Task ListAsync_CollectionWithLabelSelectorAndCluster_FiltersAcrossTypes() =>
        ExpectCollectionAsync(Across(CollectionResource.Workloads.Types) with { LabelSelector = Labels("app=web"), Clusters = ["cluster-1"] },
            r => r.Cluster == "cluster-1" && r.Group == "apps" && r.Resource is "deployments" or "statefulsets" && SeedData.Labels(r).GetValueOrDefault("app") == "web");

    [Fact]
    public async Task ListAsync_CollectionPagedByTwo_SameAsOnePageAcrossMixedTypes()
    {
        var all = (await ListAllAsync(Across(CollectionResource.KubeResources.Types))).Select(TypedId).ToList();
        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = await Storage.ListAsync(Across(CollectionResource.KubeResources.Types) with { Limit = 2, Continue = token }, Ct);
            paged.AddRange(page.Items.Select(TypedId));
            token = page.Continue;
        }
        while (token is not null);

        paged.ShouldBe(all);
        paged.Distinct().Count().ShouldBe(paged.Count);
    }

    [Fact]
    public Task ListAsync_NoResourceTypes_Nothing() =>
        ExpectCollectionAsync(Across([]), _ => false);

    [Fact]
    public void All_CustomCollectionFromOptions_ParsedWithBuiltIns()
    {
        var options = new StorageOptions();
        options.Collections["apps-and-jobs"] = ["apps/deployments", "batch/v1", "example.io"];

        var all = CollectionResource.All(options);

        all.Select(c => c.Name).ShouldBe(["any", "apps-and-jobs", "kuberesources", "workloads"]);
        all.Single(c => c.Name == "apps-and-jobs").Types.ShouldBe(
            [new ResourceTypeFilter("apps", null, "deployments"), new ResourceTypeFilter("batch", "v1"), new ResourceTypeFilter("example.io")]);
    }
}
