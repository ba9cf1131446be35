using Clusterpedia.Storage.Tests.Fixtures;
using static Clusterpedia.Storage.Tests.Fixtures.TypedQuery;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    /// <summary>The expected order of the seed for sort keys, with the default tie-breakers.</summary>
    private static List<ResourceRecord> Ordered(IEnumerable<ResourceRecord> records, params OrderByKey[] keys)
    {
        var list = records.ToList();
        var all = keys.Concat(new[] { OrderByField.Cluster, OrderByField.Namespace, OrderByField.Name }
            .Where(f => keys.All(k => k.Field != f)).Select(f => new OrderByKey(f))).ToList();
        list.Sort((a, b) =>
        {
            foreach (var key in all)
            {
                var c = key.Field switch
                {
                    OrderByField.Cluster => string.CompareOrdinal(a.Cluster, b.Cluster),
                    OrderByField.Namespace => string.CompareOrdinal(a.Namespace, b.Namespace),
                    OrderByField.Name => string.CompareOrdinal(a.Name, b.Name),
                    OrderByField.CreatedAt => a.CreatedAt.CompareTo(b.CreatedAt),
                    _ => a.ResourceVersion.Length != b.ResourceVersion.Length
                        ? a.ResourceVersion.Length.CompareTo(b.ResourceVersion.Length)
                        : string.CompareOrdinal(a.ResourceVersion, b.ResourceVersion),
                };
                if (c != 0)
                {
                    return key.Descending ? -c : c;
                }
            }

            return 0;
        });
        return list;
    }

    [Theory]
    [InlineData("name")]
    [InlineData("name-")]
    [InlineData("namespace-,cluster")]
    [InlineData("created_at")]
    [InlineData("created_at-")]
    [InlineData("resource_version")]
    [InlineData("resource_version-")]
    [InlineData("cluster-,name")]
    public async Task ListAsync_OrderBy_SortsByAllowListedKeys(string keys) =>
        await ExpectAsync(Pods() with { OrderBy = Order(keys) }, Ordered(SeedData.Pods, Order(keys)));

    [Theory]
    [InlineData("name-,created_at")]
    [InlineData("created_at-,namespace")]
    [InlineData("resource_version-")]
    [InlineData("namespace,name-")]
    public async Task ListAsync_OrderByPagedInSmallPages_SameAsOnePage(string keys)
    {
        var query = Pods() with { OrderBy = Order(keys) };
        var all = (await ListAllAsync(query)).Select(Id).ToList();
        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = await Storage.ListAsync(query with { Limit = 3, Continue = token }, Ct);
            paged.AddRange(page.Items.Select(Id));
            token = page.Continue;
        }
        while (token is not null);

        paged.ShouldBe(all);
        all.Count.ShouldBe(SeedData.Pods.Count);
    }

    [Fact]
    public async Task ListAsync_OrderByFieldOutsideAllowList_InvalidQueryNamingOrderBy()
    {
        var error = await Should.ThrowAsync<InvalidQueryException>(() => Storage.ListAsync(Pods() with { OrderBy = [new OrderByKey((OrderByField)99)] }, Ct));

        error.Field.ShouldBe("orderby");
    }
}
