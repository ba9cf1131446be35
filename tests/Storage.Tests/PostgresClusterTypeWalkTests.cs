using Clusterpedia.Kube;
using Clusterpedia.Storage.Engine;
using Clusterpedia.Storage.Tests.Fixtures;
using Xunit.Abstractions;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// The walk of a cluster's types on PostgreSQL (a cluster's types, removing a cluster): no index of resources starts
/// with the cluster, so each step must seek the type-first key, never scan rows. A database of its own: the rows it
/// adds would change other plan tests' statistics.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTypeWalkTests(PostgresStorageFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresStorageFixture>
{
    [Fact]
    public async Task NextTypeStatement_ManyRowsPerType_SeeksTheTypeKeyWithoutScanOrSort()
    {
        // A cluster's types (and removing a cluster) walk the stored types: each step must seek, never scan rows.
        var records = new List<ResourceRecord>();
        foreach (var resource in new[] { "alphas", "betas" })
        {
            for (var c = 0; c < 4; c++)
            {
                for (var i = 0; i < 2_000; i++)
                {
                    records.Add(TestObjects.Object($"walk-{c}", "walk.plan.test", "v1", resource, "Walk", "ns", $"o-{i:D4}", resourceVersion: "1"));
                }
            }
        }

        await using var connection = await PostgresAccessPlanTests.StoreAnalyzedAsync(fixture, records);
        var plan = await PostgresAccessPlanTests.ExplainAsync(
            connection, SqlResourceStorage.NextTypeStatement("walk-3", new GroupVersionResource("walk.plan.test", "v1", "alphas")));
        output.WriteLine(plan);
        plan.ShouldNotContain("Seq Scan");
        plan.ShouldNotContain("Sort");
        plan.ShouldContain("Index");
        (await fixture.Handle.Resources.GetClusterResourcesAsync("walk-3", CancellationToken.None))
            .Where(t => t.Group == "walk.plan.test").Select(t => t.Resource).ShouldBe(["alphas", "betas"]);
    }
}
