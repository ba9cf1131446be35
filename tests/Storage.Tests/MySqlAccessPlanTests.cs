using System.Text.RegularExpressions;
using Clusterpedia.Storage.Engine;
using Clusterpedia.Storage.Tests.Fixtures;
using MySqlConnector;
using Xunit.Abstractions;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// Query plans of the S2 page shapes on MariaDB (docs/benchmarks.md, "MySQL"): what the engine's own statement reads
/// for a first page of 100, from ANALYZE FORMAT=JSON (the rows the server actually examined), so an index that stops
/// serving its shape fails here rather than as a slow benchmark at 1M rows.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MySqlAccessPlanTests(MySqlAccessPlanTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<MySqlAccessPlanTests.Fixture>
{
    private const string _group = "plan.test";
    private const string _laterGroup = "zz.plan.test";

    [Fact]
    public async Task ListAsync_NameDescendingAcrossClusters_WalksDescendingNameIndexWithoutSort()
    {
        var plan = await AnalyzeAsync(Pods() with { OrderBy = [new OrderByKey(OrderByField.Name, Descending: true)] });

        plan.Key.ShouldBe("ix_resources_gvr_name_desc");
        plan.Sorted.ShouldBeFalse();
        plan.RowsExamined.ShouldBeLessThanOrEqualTo(101);
    }

    [Fact]
    public async Task ListAsync_NameAscendingAcrossClusters_WalksNameIndexWithoutSort()
    {
        var plan = await AnalyzeAsync(Pods() with { OrderBy = [new OrderByKey(OrderByField.Name, Descending: false)] });

        plan.Key.ShouldBe("ix_resources_gvr_name");
        plan.Sorted.ShouldBeFalse();
        plan.RowsExamined.ShouldBeLessThanOrEqualTo(101);
    }

    [Fact]
    public async Task ListAsync_PhaseFieldSelectorEveryCluster_SeeksPhaseIndexInDefaultOrder()
    {
        var plan = await AnalyzeAsync(Pods() with { FieldSelector = [new FieldMatch(["status", "phase"], MatchOperator.Equals, ["Failed"])] });

        plan.Key.ShouldBe("ix_resources_gvr_phase");
        plan.Sorted.ShouldBeFalse();
        plan.RowsExamined.ShouldBeLessThanOrEqualTo(101);
    }

    [Fact]
    public async Task ListAsync_LabelSelectorEveryCluster_WalksThePairInListOrderWithoutSort()
    {
        // 500 of the 4,000 pods have app=app-3 (all of them env=dev). Reading every one of their label rows and
        // sorting them (the pair index before schema 11) read 500; in list order the page stops at its 101st.
        var plan = await AnalyzeAsync(Pods() with { LabelSelector = [new LabelMatch("app", MatchOperator.Equals, ["app-3"]), new LabelMatch("env", MatchOperator.Equals, ["dev"])] });

        plan.Key.ShouldBe("ix_resource_labels_order");
        plan.Sorted.ShouldBeFalse();
        plan.MostRowsOfOneAccess.ShouldBeLessThanOrEqualTo(101);
        plan.Condition.ShouldNotContain("r.object");
    }

    [Fact]
    public async Task ListAsync_LabelSelectorContinuedInOneCluster_SeeksClusterAndTokenInThePairIndex()
    {
        // The second page of app=app-3 in cluster-04 (50 pods): the cluster and the token's position are index
        // conditions, so the walk reads that cluster's rows from the token on, not the pair's rows before them.
        var query = Pods() with { Clusters = ["cluster-04"], Limit = 20, LabelSelector = [new LabelMatch("app", MatchOperator.Equals, ["app-3"])] };
        var first = await fixture.Resources.ListAsync(query, CancellationToken.None);
        var plan = await AnalyzeAsync(query with { Continue = first.Continue });

        plan.Key.ShouldBe("ix_resource_labels_order");
        plan.Sorted.ShouldBeFalse();
        plan.MostRowsOfOneAccess.ShouldBeLessThanOrEqualTo(21);
    }

    [Fact]
    public async Task ListAsync_LabelSelectorInOneNamespace_NamespaceTestedInThePairIndex()
    {
        // The namespace follows the cluster in the index: tested on its entries, so of app-3's 500 label rows only
        // the 50 of ns-03 (10 clusters × 5 pods) reach their resources.
        var plan = await AnalyzeAsync(
            Pods() with { Namespaces = ["ns-03"], LabelSelector = [new LabelMatch("app", MatchOperator.Equals, ["app-3"]), new LabelMatch("env", MatchOperator.Equals, ["dev"])] });

        plan.Key.ShouldBe("ix_resource_labels_order");
        plan.Sorted.ShouldBeFalse();
        plan.ResourcesRead.ShouldBe(fixture.Pods / 80);
    }

    [Fact]
    public async Task ListAsync_LabelSelectorWalkedPageByPage_SameRowsAsTheOrderedList()
    {
        // Every page of app=app-3,env=dev (a walk of the pair) against the same rows filtered in .NET from the whole
        // type in its order: tokens and integer offsets continue exactly where the page before ended.
        var selector = new LabelMatch[] { new("app", MatchOperator.Equals, ["app-3"]), new("env", MatchOperator.Equals, ["dev"]) };
        var all = await fixture.Resources.ListAsync(Pods() with { Limit = null }, CancellationToken.None);
        var expected = all.Items.Where(i => int.Parse(i.Name["pod-".Length..], System.Globalization.CultureInfo.InvariantCulture) % 8 == 3)
            .Select(i => $"{i.Cluster}/{i.Namespace}/{i.Name}").ToList();
        var walked = new List<string>();
        string? token = null;
        do
        {
            var page = await fixture.Resources.ListAsync(Pods() with { Limit = 70, LabelSelector = selector, Continue = token }, CancellationToken.None);
            walked.AddRange(page.Items.Select(i => $"{i.Cluster}/{i.Namespace}/{i.Name}"));
            token = page.Continue;
        }
        while (token is not null);
        var offsetPage = await fixture.Resources.ListAsync(Pods() with { Limit = 70, LabelSelector = selector, Continue = "140" }, CancellationToken.None);

        walked.Count.ShouldBe(fixture.Pods / 8);
        walked.ShouldBe(expected);
        offsetPage.Items.Select(i => $"{i.Cluster}/{i.Namespace}/{i.Name}").ShouldBe(expected.Skip(140).Take(70));
    }

    [Fact]
    public async Task ListAsync_LabelInAndExists_StartFromTheLabelPairIndex()
    {
        var @in = await AnalyzeAsync(Pods() with { Namespaces = ["ns-03"], LabelSelector = [new LabelMatch("app", MatchOperator.In, ["app-3", "app-5"])] });
        var exists = await AnalyzeAsync(Pods() with { LabelSelector = [new LabelMatch("app", MatchOperator.Exists, [])], Limit = 10 });

        @in.Key.ShouldBe("ix_resource_labels_order");
        @in.ResourcesRead.ShouldBeLessThanOrEqualTo(fixture.Pods / 40);
        exists.Condition.ShouldNotContain("r.labels");
    }

    [Fact]
    public async Task ListAsync_NegativeLabelSelector_ReadsLabelsWithoutTheObject()
    {
        // != and notin also match objects without the label: no index finds those, the order index walk stays.
        var plan = await AnalyzeAsync(Pods() with { LabelSelector = [new LabelMatch("app", MatchOperator.NotIn, ["app-3"])] });

        plan.Key.ShouldBe("ix_resources_gvr_order");
        plan.Sorted.ShouldBeFalse();
        plan.RowsExamined.ShouldBeLessThanOrEqualTo(120);
    }

    [Fact]
    public async Task ListAsync_FuzzyName_NameTestPushedDownToTheIndex()
    {
        var plan = await AnalyzeAsync(Pods() with { FuzzyName = "pod-007" });

        // Pushed down, the name is tested on index entries and only matching rows are read: a handful of pages per
        // matching row, not three for every row of the type.
        plan.IndexCondition.ShouldContain("locate");
        plan.Sorted.ShouldBeFalse();
        plan.PagesAccessed.ShouldBeLessThan(fixture.Pods);
    }

    [Fact]
    public async Task ListAsync_LabelSelectorRemainingCount_ExaminesAtMostBoundPlusPage()
    {
        // 500 of the 4,000 pods match: a count bounded by matches (1,000 after the page) read every row of the type.
        var plan = await AnalyzeAsync(Pods() with { LabelSelector = [new LabelMatch("app", MatchOperator.Equals, ["app-3"])], RemainingCountBound = 1000 });

        plan.MostRowsOfOneAccess.ShouldBeLessThanOrEqualTo(1000 + 100);
    }

    [Fact]
    public async Task ListAsync_FuzzyNameRemainingCount_ExaminesAtMostBoundPlusPage()
    {
        var plan = await AnalyzeAsync(Pods() with { FuzzyName = "pod-00", RemainingCountBound = 1000 });

        plan.MostRowsOfOneAccess.ShouldBeLessThanOrEqualTo(1000 + 100);
    }

    [Fact]
    public async Task ListAsync_PhaseRemainingCount_CountsOnThePhaseIndex()
    {
        // status.phase is an indexed column: the window seeks it rather than testing the phase on rows of the type.
        var plan = await AnalyzeAsync(
            Pods() with { FieldSelector = [new FieldMatch(["status", "phase"], MatchOperator.Equals, ["Failed"])], RemainingCountBound = 1000 });
        var page = await fixture.Resources.ListAsync(
            Pods() with { FieldSelector = [new FieldMatch(["status", "phase"], MatchOperator.Equals, ["Failed"])], RemainingCountBound = 1000 }, CancellationToken.None);

        plan.MostRowsOfOneAccess.ShouldBeLessThanOrEqualTo(fixture.Pods / 5);
        page.RemainingItemCount.ShouldBe(fixture.Pods / 5 - 100);
    }

    [Fact]
    public async Task ListAsync_NegativeLabelSelectorRowsPastTheBound_RemainingCountUnknown()
    {
        // notin is tested on the window's rows (no index finds objects without a label): the window fills.
        var page = await fixture.Resources.ListAsync(
            Pods() with { LabelSelector = [new LabelMatch("app", MatchOperator.NotIn, ["app-3"])], RemainingCountBound = 1000 }, CancellationToken.None);

        page.Items.Count.ShouldBe(100);
        page.Continue.ShouldNotBeNull();
        page.RemainingItemCount.ShouldBeNull();
    }

    [Fact]
    public async Task ListAsync_IndexedLabelSelectorFewerMatchesThanTheBound_RemainingCountExact()
    {
        // The pair index serves app=app-3, so the count window holds only its 500 matches and does not fill (it
        // read, and filled with, 1,100 rows of the type before the side table).
        var page = await fixture.Resources.ListAsync(
            Pods() with { LabelSelector = [new LabelMatch("app", MatchOperator.Equals, ["app-3"])], RemainingCountBound = 1000 }, CancellationToken.None);

        page.Items.Count.ShouldBe(100);
        page.RemainingItemCount.ShouldBe(fixture.Pods / 8 - 100);
    }

    [Fact]
    public async Task ListAsync_LabelSelectorRowsWithinTheBound_RemainingCountExactOnEveryPage()
    {
        var query = Pods() with { LabelSelector = [new LabelMatch("app", MatchOperator.Equals, ["app-3"])], RemainingCountBound = 10_000 };
        var first = await fixture.Resources.ListAsync(query, CancellationToken.None);
        var second = await fixture.Resources.ListAsync(query with { Continue = first.Continue }, CancellationToken.None);
        var offset = await fixture.Resources.ListAsync(query with { Continue = "150" }, CancellationToken.None);

        first.RemainingItemCount.ShouldBe(fixture.Pods / 8 - 100);
        second.RemainingItemCount.ShouldBe(fixture.Pods / 8 - 200);
        offset.RemainingItemCount.ShouldBe(fixture.Pods / 8 - 250);
    }

    [Fact]
    public async Task ListAsync_UnscopedTypeSortingAfterAnotherInEachCluster_WalksTheTypeOrderIndex()
    {
        // ux_resources_key (cluster first) yields the same order, but from each cluster's first row it reads the
        // 400 pods that sort before the deployments.
        var plan = await AnalyzeAsync(new ResourceQuery { Group = _laterGroup, Version = "v1", Resource = "deployments", Limit = 10 });

        plan.Key.ShouldBe("ix_resources_gvr_order");
        plan.Sorted.ShouldBeFalse();
        plan.RowsExamined.ShouldBeLessThanOrEqualTo(11);
    }

    [Fact]
    public async Task ListAsync_OwnerNameInOneClusterAndNamespace_SeeksOwnerNameIndexOnEveryColumn()
    {
        // deploy-3 exists in each of the 10 clusters: on the name alone the owner lookup read all 10 rows to keep one.
        // MariaDB joins the owner lookup into the pods' plan (no pod here has an owner, so it runs 0 times): its
        // access is what is pinned, every key part an equality on a constant.
        var query = Pods() with
        {
            Clusters = ["cluster-04"],
            Namespaces = ["ns-00"],
            OwnerName = "deploy-3",
            OwnerGroupResource = "deployments." + _laterGroup,
            OwnerSeniority = 1,
        };
        var json = await AnalyzeJsonAsync(query);
        var owner = json[json.IndexOf("\"table_name\": \"o\"", StringComparison.Ordinal)..];

        Value(owner, "key").ShouldBe("ix_resources_owner_name");
        Value(owner, "used_key_parts").ShouldBe("[\"name\", \"namespace\", \"cluster\", \"resource\", \"group\"]");
        Value(owner, "ref").ShouldBe("[\"const\", \"const\", \"const\", \"const\", \"const\"]");
    }

    [Fact]
    public async Task UpsertLookup_StoredAndNewKeys_SeeksTheKeyIndexOncePerKey()
    {
        // The upsert's read of the ids under its keys (MySqlDialect.Upsert.cs) is a locking read: a scan would lock
        // every row. 60 keys across clusters and namespaces, 40 of them stored: at most one index entry read per key.
        var records = new List<ResourceRecord>();
        for (var i = 0; i < 60; i++)
        {
            var name = i < 40 ? $"pod-{i:D3}" : $"new-pod-{i:D3}";
            records.Add(TestObjects.Pod($"cluster-{i % 10:D2}", $"ns-{i % 7:D2}", name, group: _group));
        }

        await using var dialect = new MySqlDialect(fixture.Options.ConnectionString);
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);
        await using var lookup = MySqlDialect.StoredRowsCommand(connection, null, records, 0, records.Count);
        lookup.CommandText = "ANALYZE FORMAT=JSON " + lookup.CommandText;
        var json = Convert.ToString(await lookup.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
        output.WriteLine(json);
        await using var read = MySqlDialect.StoredRowsCommand(connection, null, records, 0, records.Count);
        var found = 0;
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                found++;
            }
        }

        Value(json, "access_type").ShouldBe("range");
        Value(json, "key").ShouldBe("ux_resources_key");
        double.Parse(Value(json, "r_rows") ?? "-1", System.Globalization.CultureInfo.InvariantCulture).ShouldBeLessThanOrEqualTo(records.Count);
        found.ShouldBe(40);
    }

    private static ResourceQuery Pods() => new() { Group = _group, Version = "v1", Resource = "pods", Limit = 100 };

    private async Task<Plan> AnalyzeAsync(ResourceQuery query)
    {
        var json = await AnalyzeJsonAsync(query);

        // Read line by line: MariaDB writes the conditions into the JSON with ANSI-quoted names unescaped (r."group").
        return new Plan(
            Value(json, "key") ?? "",
            json.Contains("filesort", StringComparison.Ordinal),
            double.Parse(Value(json, "r_rows") ?? "0", System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(Value(json, "pages_accessed") ?? "0", System.Globalization.CultureInfo.InvariantCulture),
            Value(json, "attached_condition") ?? "",
            Value(json, "index_condition") ?? "",
            Regex.Matches(json, "\"r_rows\": ([0-9.e+]+)").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max(),
            ResourcesRead(json));
    }

    private async Task<string> AnalyzeJsonAsync(ResourceQuery query)
    {
        await using var dialect = new MySqlDialect(fixture.Options.ConnectionString);
        await using var connection = await dialect.OpenConnectionAsync(CancellationToken.None);
        var built = ListQueryBuilder.Build(query, dialect).Statement;
        await using var command = built.CreateCommand(connection, null, "ANALYZE FORMAT=JSON " + built.Text, built.Parameters.Count);
        var json = Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
        output.WriteLine(built.Text + "\n" + json);
        return json;
    }

    /// <summary>The value of the first <c>"name": value</c> line of the plan, without quotes and trailing comma.</summary>
    private static string? Value(string json, string name)
    {
        var match = Regex.Match(json, "^\\s*\"" + name + "\": (.*?),?$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value.Trim('"') : null;
    }

    /// <summary>How many rows of resources (alias r) the statement read: its loops times its rows per loop.</summary>
    private static double ResourcesRead(string json)
    {
        var table = Regex.Match(json, "\"table_name\": \"r\",.*?\"r_loops\": ([0-9.e+]+),.*?\"r_rows\": ([0-9.e+]+)", RegexOptions.Singleline);
        return table.Success
            ? double.Parse(table.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * double.Parse(table.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)
            : -1;
    }

    private sealed record Plan(
        string Key, bool Sorted, double RowsExamined, double PagesAccessed, string Condition, string IndexCondition, double MostRowsOfOneAccess,
        double ResourcesRead);

    /// <summary>
    /// 10 clusters × 10 namespaces × 40 pods of one type (4,000 rows), labels and phases varied, and 5 deployments per
    /// cluster of a group that sorts after the pods'; statistics fresh.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly MariaDbStorageFixture _storage = new();

        public StorageOptions Options => _storage.Options;

        public int Pods { get; private set; }

        public IResourceStorage Resources => _storage.Resources;

        public async Task InitializeAsync()
        {
            await _storage.InitializeAsync();
            var records = new List<ResourceRecord>();
            string[] phases = ["Running", "Running", "Running", "Pending", "Failed"];
            for (var c = 0; c < 10; c++)
            {
                for (var n = 0; n < 10; n++)
                {
                    for (var i = 0; i < 40; i++)
                    {
                        records.Add(TestObjects.Pod($"cluster-{c:D2}", $"ns-{n:D2}", $"pod-{i:D3}",
                            labels: new Dictionary<string, string> { ["app"] = $"app-{i % 8}", ["env"] = i % 2 == 0 ? "prod" : "dev" },
                            phase: phases[i % phases.Length], group: _group));
                    }
                }
            }

            Pods = records.Count;
            for (var c = 0; c < 10; c++)
            {
                for (var i = 0; i < 5; i++)
                {
                    records.Add(TestObjects.Object($"cluster-{c:D2}", _laterGroup, "v1", "deployments", "Deployment", "ns-00", $"deploy-{i}"));
                }
            }

            await _storage.Resources.UpsertAsync(records, CancellationToken.None);
            await using var connection = new MySqlConnection(Options.ConnectionString);
            await connection.OpenAsync();
            await using var analyze = new MySqlCommand("ANALYZE TABLE resources, resource_labels", connection);
            await analyze.ExecuteNonQueryAsync();
        }

        public Task DisposeAsync() => _storage.DisposeAsync();
    }
}
