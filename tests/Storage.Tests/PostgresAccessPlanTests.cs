using Clusterpedia.Storage.Engine;
using Clusterpedia.Storage.Tests.Fixtures;
using Npgsql;
using Xunit.Abstractions;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// Query plans of per-user filtered lists on PostgreSQL (docs/security.md, "Per-user results"): a first page under
/// access grants walks the order index from the first granted cluster and stops at the limit, instead of reading and
/// sorting every row of the type.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAccessPlanTests(PostgresStorageFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresStorageFixture>
{
    private const string _group = "plan.test";

    [Fact]
    public async Task ListAsync_AccessGrantsFirstPage_OrderedIndexWalkWithoutSort()
    {
        var records = new List<ResourceRecord>();
        for (var c = 0; c < 10; c++)
        {
            for (var n = 0; n < 20; n++)
            {
                for (var i = 0; i < 100; i++)
                {
                    records.Add(TestObjects.Object($"cluster-{c:D2}", _group, "v1", "pods", "Pod", $"ns-{n:D2}", $"pod-{i:D3}", resourceVersion: "1"));
                }
            }
        }

        await using var connection = await StoreAnalyzedAsync(fixture, records);

        var query = new ResourceQuery
        {
            Group = _group,
            Version = "v1",
            Resource = "pods",
            Limit = 100,
            Access = [new("cluster-01", ["ns-03", "ns-07"]), new("cluster-05", null), new("cluster-08", ["ns-00"])],
        };
        var plan = await ExplainAsync(connection, query);
        var unfiltered = await ExplainAsync(connection, query with { Access = null });
        output.WriteLine("filtered:\n" + plan + "\nunfiltered:\n" + unfiltered);

        plan.ShouldContain("Index Scan using ux_resources_gvr_order");
        plan.ShouldContain("cluster >=");
        plan.ShouldNotContain("Sort");
        plan.ShouldNotContain("Seq Scan");
    }

    [Fact]
    public async Task ListAsync_FuzzyNamePageOfSortedCandidates_ReadsObjectsOfThePageRowsOnly()
    {
        // 1,500 candidates for a page of 20 (+1): the objects are read by primary key for those 21 rows alone, after the
        // page is chosen (on 10M rows the trigram candidates are sorted first, and every one's object was converted).
        var records = new List<ResourceRecord>();
        for (var i = 0; i < 2000; i++)
        {
            records.Add(TestObjects.Object($"cluster-{i % 7:D2}", _group, "v1", "fuzzies", "Fuzzy", $"ns-{i % 13:D2}", (i % 4 == 0 ? "other-" : "needle-") + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), resourceVersion: "1"));
        }

        await using var connection = await StoreAnalyzedAsync(fixture, records);

        var query = new ResourceQuery { Group = _group, Version = "v1", Resource = "fuzzies", FuzzyName = "needle", Limit = 20 };
        var plan = await ExplainAsync(connection, query);
        output.WriteLine(plan);

        plan.ShouldContain("Index Scan using resources_pkey on resources r (actual rows=1 loops=21)");
        plan.IndexOf("Limit (actual rows=21", StringComparison.Ordinal).ShouldBeLessThan(plan.IndexOf("resources_pkey", StringComparison.Ordinal), "the page is limited before its rows are read");
        var page = await fixture.Handle.Resources.ListAsync(query, CancellationToken.None);
        page.Items.Select(i => i.Name).ShouldBe(records.Where(r => r.Name.StartsWith("needle-", StringComparison.Ordinal))
            .OrderBy(r => r.Cluster, StringComparer.Ordinal).ThenBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Take(20).Select(r => r.Name));
    }

    [Fact]
    public async Task ListAsync_TwoLabelEqualities_OneContainmentTheIndexAndEstimateTakeAsAWhole()
    {
        await using var connection = new NpgsqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();
        var query = new ResourceQuery
        {
            Group = _group,
            Version = "v1",
            Resource = "labelled",
            Namespaces = ["ns-01"],
            Limit = 10,
            LabelSelector = [new LabelMatch("app", MatchOperator.Equals, ["checkout"]), new LabelMatch("tier", MatchOperator.In, ["frontend"]), new LabelMatch("env", MatchOperator.NotEquals, ["dev"])],
        };

        var plan = await ExplainAsync(connection, query);
        output.WriteLine(plan);

        plan.ShouldContain("""labels @> '{"app": "checkout", "tier": "frontend"}'::jsonb""");
        plan.ShouldNotContain("""labels @> '{"app": "checkout"}'""");
    }

    [Fact]
    public async Task ListAsync_LabelsWithinOneNamespace_OneGinScanTakesNamespaceAndLabels()
    {
        // 3 namespaces of 5,000 rows, 20 of each namespace with app=app-008,tier=frontend. Before the (namespace, labels)
        // index the namespace's part was a second bitmap over all its rows (BitmapAnd with the type's namespace index).
        const string group = "nslabels.plan.test";
        var records = new List<ResourceRecord>();
        for (var n = 0; n < 3; n++)
        {
            for (var i = 0; i < 5_000; i++)
            {
                var labels = new Dictionary<string, string> { ["app"] = $"app-{i % 250:D3}", ["tier"] = i % 2 == 0 ? "frontend" : "backend" };
                records.Add(TestObjects.Object("cluster-01", group, "v1", "pods", "Pod", $"ns-{n:D2}", $"pod-{i:D4}", labels));
            }
        }

        await using var connection = await StoreAnalyzedAsync(fixture, records);

        // Index walks off: the test is about what the bitmap path reads, whatever the planner would pick at this size.
        await using (var settings = new NpgsqlCommand("SET enable_indexscan = off; SET enable_seqscan = off", connection))
        {
            await settings.ExecuteNonQueryAsync();
        }

        var plan = await ExplainAsync(connection, new ResourceQuery
        {
            Group = group,
            Version = "v1",
            Resource = "pods",
            Namespaces = ["ns-02"],
            Limit = 100,
            LabelSelector = [new LabelMatch("app", MatchOperator.Equals, ["app-008"]), new LabelMatch("tier", MatchOperator.Equals, ["frontend"])],
        });
        output.WriteLine(plan);

        var lines = plan.Split('\n');
        var scan = Array.FindIndex(lines, l => l.Contains("Bitmap Index Scan on ix_resources_namespace_labels", StringComparison.Ordinal));
        scan.ShouldBeGreaterThanOrEqualTo(0);
        lines[scan].ShouldContain("(actual rows=20 loops=1)");
        lines[scan + 1].ShouldContain("""Index Cond: ((namespace = 'ns-02'::text) AND (labels @> '{"app": "app-008", "tier": "frontend"}'::jsonb))""");
        plan.ShouldNotContain("BitmapAnd");
    }

    [Fact]
    public async Task ListAsync_OwnerNameInOneClusterAndNamespace_SeeksOwnerNameIndexOnEveryColumn()
    {
        // Each deployment name repeats in every cluster and namespace (and a Service shares it): on the name alone
        // the owner lookup fetched all 200 same-named rows to keep one.
        const string group = "owner.plan.test";
        var records = new List<ResourceRecord>();
        for (var c = 0; c < 10; c++)
        {
            for (var n = 0; n < 10; n++)
            {
                for (var i = 0; i < 10; i++)
                {
                    var (cluster, ns, name) = ($"cluster-{c:D2}", $"ns-{n:D2}", $"web-{i:D2}");
                    var deployment = TestObjects.Object(cluster, group, "v1", "deployments", "Deployment", ns, name);
                    var replicaSet = TestObjects.Object(cluster, group, "v1", "replicasets", "ReplicaSet", ns, name + "-5d9f", ownerUid: deployment.Uid);
                    records.Add(deployment);
                    records.Add(TestObjects.Object(cluster, group, "v1", "services", "Service", ns, name));
                    records.Add(replicaSet);
                    records.Add(TestObjects.Object(cluster, group, "v1", "pods", "Pod", ns, name + "-5d9f-x", ownerUid: replicaSet.Uid));
                }
            }
        }

        await using var connection = await StoreAnalyzedAsync(fixture, records);

        var plan = await ExplainAsync(connection, new ResourceQuery
        {
            Group = group,
            Version = "v1",
            Resource = "pods",
            Limit = 100,
            Clusters = ["cluster-04"],
            Namespaces = ["ns-03"],
            OwnerName = "web-07",
            OwnerGroupResource = "deployments." + group,
            OwnerSeniority = 1,
        });
        output.WriteLine(plan);

        var lines = plan.Split('\n');
        var scan = Array.FindIndex(lines, l => l.Contains("ix_resources_owner_name", StringComparison.Ordinal));
        scan.ShouldBeGreaterThanOrEqualTo(0);
        lines[scan].ShouldContain("Index Scan using ix_resources_owner_name on resources o (actual rows=1 loops=1)");
        lines[scan + 1].ShouldContain("Index Cond: ((name = 'web-07'::text) AND (namespace = 'ns-03'::text) AND (cluster = 'cluster-04'::text) AND (resource = 'deployments'::text) AND (\"group\" = 'owner.plan.test'::text))");
        lines.Skip(scan + 2).TakeWhile(l => !l.Contains("->", StringComparison.Ordinal) && !l.TrimStart().StartsWith("CTE", StringComparison.Ordinal))
            .ShouldNotContain(l => l.Contains("Filter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListAsync_OwnerUid_SeeksTheUidHashIndex()
    {
        // Migration 14: uid is a hash index (equality is all it serves); the owner's row is found through it.
        const string group = "uid.plan.test";
        var records = new List<ResourceRecord>();
        for (var i = 0; i < 2_000; i++)
        {
            var deployment = TestObjects.Object("cluster-00", group, "v1", "deployments", "Deployment", "ns", $"web-{i:D4}");
            records.Add(deployment);
            records.Add(TestObjects.Object("cluster-00", group, "v1", "replicasets", "ReplicaSet", "ns", $"web-{i:D4}-5d9f", ownerUid: deployment.Uid));
        }

        await using var connection = await StoreAnalyzedAsync(fixture, records);

        var plan = await ExplainAsync(connection, new ResourceQuery
        {
            Group = group,
            Version = "v1",
            Resource = "replicasets",
            Limit = 10,
            OwnerUid = records[1_000].Uid,
            OwnerSeniority = 0,
        });
        output.WriteLine(plan);

        plan.ShouldContain("ix_resources_uid");
        plan.ShouldNotContain("Seq Scan");
        (await fixture.Handle.Resources.ListAsync(new ResourceQuery { Group = group, Version = "v1", Resource = "replicasets", OwnerUid = records[1_000].Uid }, CancellationToken.None))
            .Items.Select(r => r.Name).ShouldBe(["web-0500-5d9f"]);
    }

    [Fact]
    public async Task ListAsync_FailedPodsOfEveryCluster_WalkThePartialPhaseIndexInListOrder()
    {
        // 4,000 pods, 1 in 40 Failed and spread over the clusters (migration 16): without the index the page walked the
        // type's order and tested each row's phase, 4,000 rows for the last of 100 Failed pods.
        const string group = "phase.plan.test";
        var records = new List<ResourceRecord>();
        var failedPods = new List<ResourceRecord>();
        for (var c = 0; c < 10; c++)
        {
            for (var i = 0; i < 400; i++)
            {
                var phase = i % 40 == 7 ? "Failed" : i % 40 == 21 ? "Pending" : "Running";
                records.Add(TestObjects.Pod($"cluster-{c:D2}", $"ns-{i % 4}", $"pod-{i:D3}", phase: phase, group: group));
                if (phase == "Failed")
                {
                    failedPods.Add(records[^1]);
                }
            }
        }

        await using var connection = await StoreAnalyzedAsync(fixture, records);

        var failed = new ResourceQuery
        {
            Group = group,
            Version = "v1",
            Resource = "pods",
            Limit = 25,
            FieldSelector = [new FieldMatch(["status", "phase"], MatchOperator.Equals, ["Failed"])],
        };
        var plan = await ExplainAsync(connection, failed);
        var unusual = await ExplainAsync(connection, failed with { FieldSelector = [new FieldMatch(["status", "phase"], MatchOperator.In, ["Pending", "Failed"])] });
        output.WriteLine(plan + "\n\n" + unusual);

        plan.ShouldContain("Index Scan using ix_resources_gvr_phase_unusual on resources r_1 (actual rows=26 loops=1)");
        unusual.ShouldContain("ix_resources_gvr_phase_unusual");
        var page = await fixture.Handle.Resources.ListAsync(failed, CancellationToken.None);
        page.Items.Select(i => $"{i.Cluster}/{i.Namespace}/{i.Name}").ShouldBe(failedPods
            .OrderBy(r => r.Cluster, StringComparer.Ordinal).ThenBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => $"{r.Cluster}/{r.Namespace}/{r.Name}")
            .Take(25));
    }

    /// <summary>Writes the records, refreshes the planner's statistics and returns an open connection to the database.</summary>
    internal static async Task<NpgsqlConnection> StoreAnalyzedAsync(PostgresStorageFixture fixture, IReadOnlyList<ResourceRecord> records)
    {
        await fixture.Handle.Resources.UpsertAsync(records, CancellationToken.None);
        var connection = new NpgsqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();
        await using var analyze = new NpgsqlCommand("ANALYZE resources", connection);
        await analyze.ExecuteNonQueryAsync();
        return connection;
    }

    private static Task<string> ExplainAsync(NpgsqlConnection connection, ResourceQuery query) =>
        ExplainAsync(connection, ListQueryBuilder.Build(query, new PostgresDialect(connection.ConnectionString)).Statement);

    /// <summary>The executed plan of a statement (EXPLAIN ANALYZE without costs or timings), one line per node line.</summary>
    internal static async Task<string> ExplainAsync(NpgsqlConnection connection, SqlStatement built)
    {
        await using var command = built.CreateCommand(connection, null, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + built.Text, built.Parameters.Count);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }
}
