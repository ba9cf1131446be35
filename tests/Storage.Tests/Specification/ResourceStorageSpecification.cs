using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

/// <summary>
/// The storage specification, written once and run on every engine through its fixture (like EF Core's provider
/// specification tests). Split by theme into partial files; the seed data is read-only, writers use their own resources.
/// </summary>
public abstract partial class ResourceStorageSpecification<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : StorageFixture
{
    protected TFixture Fixture { get; } = fixture;

    protected IResourceStorage Storage => Fixture.Resources;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>(cluster, namespace, name) ordinal: the default order.</summary>
    protected static IOrderedEnumerable<ResourceRecord> DefaultOrder(IEnumerable<ResourceRecord> records) =>
        records.OrderBy(r => r.Cluster, StringComparer.Ordinal)
            .ThenBy(r => r.Namespace, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal);

    protected static string Id(ResourceRecord r) => $"{r.Cluster}/{r.Namespace}/{r.Name}";

    protected static string Id(StoredResource r) => $"{r.Cluster}/{r.Namespace}/{r.Name}";

    protected async Task<IReadOnlyList<StoredResource>> ListAllAsync(ResourceQuery query) =>
        (await Storage.ListAsync(query, Ct)).Items;

    /// <summary>Lists and checks the exact answer, in order.</summary>
    protected async Task ExpectAsync(ResourceQuery query, IEnumerable<ResourceRecord> expected)
    {
        var items = await ListAllAsync(query);
        items.Select(Id).ToArray().ShouldBe(expected.Select(Id).ToArray());
    }

    /// <summary>Lists with the default order and checks the set of seed pods matching the predicate.</summary>
    protected Task ExpectPodsAsync(ResourceQuery query, Func<ResourceRecord, bool> predicate) =>
        ExpectAsync(query, DefaultOrder(SeedData.Pods.Where(predicate)));

    /// <summary>A query on a resource no other test touches.</summary>
    protected static (string Resource, ResourceQuery Query) Private(string test)
    {
        var resource = "w" + test.ToLowerInvariant();
        return (resource, new ResourceQuery { Group = "test.storage", Version = "v1", Resource = resource });
    }

    protected static ResourceRecord Item(string resource, string cluster, string ns, string name, string resourceVersion = "1", DateTimeOffset? created = null) =>
        TestObjects.Object(cluster, "test.storage", "v1", resource, "Widget", ns, name, created: created, resourceVersion: resourceVersion);
}
