using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    private static ResourceQuery Collection(CollectionResource collection, string query = "", string? ns = null, string? cluster = null) =>
        ResourceQueryParser.ParseCollection(
            collection,
            query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                return new KeyValuePair<string, string?>(Uri.UnescapeDataString(p[..eq]), Uri.UnescapeDataString(p[(eq + 1)..]));
            }),
            ns,
            cluster);

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
        ExpectCollectionAsync(Collection(CollectionResource.Workloads), r => r.Group == "apps" && r.Resource is "deployments" or "statefulsets" or "daemonsets");

    [Fact]
    public Task ListAsync_KubeResourcesCollection_OnlyBuiltInGroups() =>
        ExpectCollectionAsync(Collection(CollectionResource.KubeResources), r => r.Group is "" or "apps");

    [Fact]
    public Task ListAsync_AnyCollectionByGroup_ThatGroupEveryVersion() =>
        ExpectCollectionAsync(Collection(CollectionResource.Any, "groups=example.io"), r => r.Group == "example.io");

    [Fact]
    public Task ListAsync_AnyCollectionByGroupVersion_OnlyThatVersion() =>
        ExpectCollectionAsync(Collection(CollectionResource.Any, "groups=example.io/v1alpha1"), r => r.Group == "example.io" && r.Version == "v1alpha1");

    [Fact]
    public Task ListAsync_AnyCollectionByResources_CoreAndGroupResources() =>
        ExpectCollectionAsync(Collection(CollectionResource.Any, "resources=apps/deployments,/pods&namespaces=team-a"),
            r => r.Namespace == "team-a" && ((r.Group == "apps" && r.Resource == "deployments") || (r.Group == "" && r.Resource == "pods")));

    [Fact]
    public Task ListAsync_CollectionWithLabelSelectorAndCluster_FiltersAcrossTypes() =>
        ExpectCollectionAsync(Collection(CollectionResource.Workloads, "labelSelector=app%3Dweb", cluster: "cluster-1"),
            r => r.Cluster == "cluster-1" && r.Group == "apps" && r.Resource is "deployments" or "statefulsets" && SeedData.Labels(r).GetValueOrDefault("app") == "web");

    [Fact]
    public async Task ListAsync_CollectionPagedByTwo_SameAsOnePageAcrossMixedTypes()
    {
        var all = (await ListAllAsync(Collection(CollectionResource.KubeResources))).Select(TypedId).ToList();
        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = await Storage.ListAsync(Collection(CollectionResource.KubeResources, "limit=2" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token))), Ct);
            paged.AddRange(page.Items.Select(TypedId));
            token = page.Continue;
        }
        while (token is not null);

        paged.ShouldBe(all);
        paged.Distinct().Count().ShouldBe(paged.Count);
    }

    [Fact]
    public void ParseCollection_AnyWithoutTypes_InvalidQueryNamingGroups() =>
        Should.Throw<InvalidQueryException>(() => Collection(CollectionResource.Any)).Field.ShouldBe("groups");

    [Theory]
    [InlineData("resources=deployments", "resources")]
    [InlineData("resources=apps/v1/deployments/x", "resources")]
    [InlineData("groups=apps/v1/x", "groups")]
    [InlineData("groups=ap'ps", "groups")]
    public void ParseCollection_MalformedTypes_InvalidQueryNamingKey(string query, string field) =>
        Should.Throw<InvalidQueryException>(() => Collection(CollectionResource.Any, query)).Field.ShouldBe(field);

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
