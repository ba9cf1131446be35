using Clusterpedia.Storage.Tests.Fixtures;

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
    [InlineData("orderby=name", "name")]
    [InlineData("orderby=name%20desc", "name-")]
    [InlineData("orderby=namespace%20desc,cluster", "namespace-,cluster")]
    [InlineData("orderby=created_at", "created_at")]
    [InlineData("orderby=created_at%20desc", "created_at-")]
    [InlineData("orderby=resource_version", "resource_version")]
    [InlineData("orderby=resource_version%20desc", "resource_version-")]
    [InlineData("orderby=cluster%20desc&orderby=name", "cluster-,name")]
    [InlineData("labelSelector=search.clusterpedia.io%2Forderby%3Dname_desc", "name-")]
    [InlineData("labelSelector=search.clusterpedia.io%2Forderby%20in%20(cluster_desc,name)", "cluster-,name")]
    public async Task ListAsync_OrderBy_SortsByAllowListedKeys(string query, string expected)
    {
        var keys = expected.Split(',').Select(k => new OrderByKey(
            k.TrimEnd('-') switch
            {
                "name" => OrderByField.Name,
                "namespace" => OrderByField.Namespace,
                "cluster" => OrderByField.Cluster,
                "created_at" => OrderByField.CreatedAt,
                _ => OrderByField.ResourceVersion,
            },
            k.EndsWith('-'))).ToArray();

        await ExpectAsync(Url(query), Ordered(SeedData.Pods, keys));
    }

    [Theory]
    [InlineData("orderby=name%20desc,created_at")]
    [InlineData("orderby=created_at%20desc,namespace")]
    [InlineData("orderby=resource_version%20desc")]
    [InlineData("orderby=namespace,name%20desc")]
    public async Task ListAsync_OrderByPagedInSmallPages_SameAsOnePage(string query)
    {
        var all = (await ListAllAsync(Url(query))).Select(Id).ToList();
        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = await Storage.ListAsync(Url(query + "&limit=3" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token))), Ct);
            paged.AddRange(page.Items.Select(Id));
            token = page.Continue;
        }
        while (token is not null);

        paged.ShouldBe(all);
        all.Count.ShouldBe(SeedData.Pods.Count);
    }

    [Theory]
    [InlineData("orderby=name;DROP TABLE resources")]
    [InlineData("orderby=(select 1)")]
    [InlineData("orderby=name%20desc%20nulls%20first")]
    [InlineData("orderby=object")]
    [InlineData("orderby=uid")]
    [InlineData("orderby=name%20sideways")]
    [InlineData("labelSelector=search.clusterpedia.io%2Forderby%3Dkind")]
    public void Parse_OrderByOutsideAllowList_InvalidQueryNamingOrderBy(string query)
    {
        var error = Should.Throw<InvalidQueryException>(() => Url(query));

        error.Field.ShouldContain("orderby");
    }
}
