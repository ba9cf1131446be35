using Clusterpedia.Storage.Engine;
using Clusterpedia.Storage.Tests.Fixtures;
using Xunit.Abstractions;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// A fuzzy-name page on PostgreSQL collects the matches up to a bound and sorts them, or walks the order when there are
/// more (ListQueryBuilder.FuzzyName.cs): exactly one branch runs, and either gives the pages the ordered walk gives.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFuzzyNameTests(PostgresStorageFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresStorageFixture>
{
    [Fact]
    public async Task ListAsync_FewerMatchesThanTheBound_CandidatesSortedAndTheWalkNeverRuns()
    {
        var (records, query) = Fuzzies("fuzzy-few.plan.test", matching: 300, other: 700);
        await using var connection = await PostgresAccessPlanTests.StoreAnalyzedAsync(fixture, records);

        var plan = await PostgresAccessPlanTests.ExplainAsync(connection, ListQueryBuilder.Build(query, new PostgresDialect(connection.ConnectionString)).Statement);
        output.WriteLine(plan);

        var lines = plan.Split('\n');
        lines.ShouldContain(l => l.Contains("CTE Scan on candidates r_", StringComparison.Ordinal) && l.Contains("(actual rows=300 loops=1)", StringComparison.Ordinal));
        lines.ShouldContain(l => l.Contains("on resources r_", StringComparison.Ordinal) && l.Contains("(never executed)", StringComparison.Ordinal));
        (await AllPagesAsync(query)).ShouldBe(Expected(records));
    }

    [Fact]
    public async Task ListAsync_MoreMatchesThanTheBound_WalksTheOrderAndNeverSortsTheCandidates()
    {
        var bound = new PostgresDialect(fixture.Options.ConnectionString).FuzzyNameCandidateBound!.Value;
        var (records, query) = Fuzzies("fuzzy-many.plan.test", matching: bound + 100, other: 300);
        await using var connection = await PostgresAccessPlanTests.StoreAnalyzedAsync(fixture, records);

        var plan = await PostgresAccessPlanTests.ExplainAsync(connection, ListQueryBuilder.Build(query, new PostgresDialect(connection.ConnectionString)).Statement);
        output.WriteLine(plan);

        plan.Split('\n').ShouldContain(l => l.Contains("CTE Scan on candidates r_", StringComparison.Ordinal) && l.Contains("(never executed)", StringComparison.Ordinal));
        var expected = Expected(records);
        (await AllPagesAsync(query with { Limit = 500 })).ShouldBe(expected);
        var offsetPage = await fixture.Handle.Resources.ListAsync(query with { Continue = "150" }, CancellationToken.None);
        offsetPage.Items.Select(i => i.Name).ShouldBe(expected.Skip(150).Take(100));
    }

    [Fact]
    public async Task ListAsync_SubstringOfTwoCharacters_OneOrderedQuery()
    {
        // No trigram in two characters: the candidates would be read by a scan, so the page stays the ordered walk.
        var query = new ResourceQuery { Group = "fuzzy-short.plan.test", Version = "v1", Resource = "fuzzies", FuzzyName = "ne", Limit = 100 };

        var statement = ListQueryBuilder.Build(query, new PostgresDialect(fixture.Options.ConnectionString)).Statement;

        statement.Text.ToString().ShouldNotContain("candidates");
    }

    private static (List<ResourceRecord> Records, ResourceQuery Query) Fuzzies(string group, int matching, int other)
    {
        var records = new List<ResourceRecord>();
        for (var i = 0; i < matching + other; i++)
        {
            var name = (i < matching ? "needle-" : "other-") + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
            records.Add(TestObjects.Object($"cluster-{i % 7:D2}", group, "v1", "fuzzies", "Fuzzy", $"ns-{i % 13:D2}", name));
        }

        return (records, new ResourceQuery { Group = group, Version = "v1", Resource = "fuzzies", FuzzyName = "needle", Limit = 100 });
    }

    private static List<string> Expected(IEnumerable<ResourceRecord> records) =>
        records.Where(r => r.Name.StartsWith("needle-", StringComparison.Ordinal))
            .OrderBy(r => r.Cluster, StringComparer.Ordinal).ThenBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => r.Name).ToList();

    private async Task<List<string>> AllPagesAsync(ResourceQuery query)
    {
        var names = new List<string>();
        string? next = null;
        do
        {
            var page = await fixture.Handle.Resources.ListAsync(query with { Continue = next }, CancellationToken.None);
            names.AddRange(page.Items.Select(i => i.Name));
            next = page.Continue;
        }
        while (next is not null);

        return names;
    }
}
