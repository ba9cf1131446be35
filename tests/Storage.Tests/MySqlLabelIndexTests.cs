using Clusterpedia.Storage.Schema;
using Clusterpedia.Storage.Tests.Fixtures;
using MySqlConnector;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// The resource_labels side table of the mysql engine (schema 6) on the private MariaDB: written with every resource
/// write, removed with the resource, backfilled by its migration, and the selectors it answers agreeing with the
/// labels of the stored object. Each test uses its own API group, so tests do not see each other's rows.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MySqlLabelIndexTests(MariaDbStorageFixture fixture) : IClassFixture<MariaDbStorageFixture>
{
    [Fact]
    public async Task UpsertAsync_LabelsChangedAndRemoved_SideTableAndSelectorsFollowTheObject()
    {
        const string Group = "relabel.test";
        await fixture.Resources.UpsertAsync(
            [TestObjects.Pod("c", "ns", "p", labels: new Dictionary<string, string> { ["app"] = "a", ["tier"] = "web" }, group: Group)], CancellationToken.None);
        await fixture.Resources.UpsertAsync(
            [TestObjects.Pod("c", "ns", "p", labels: new Dictionary<string, string> { ["app"] = "b", ["env"] = "prod" }, resourceVersion: "2", group: Group)],
            CancellationToken.None);

        (await LabelRowsAsync(Group)).ShouldBe("app=b,env=prod");
        (await NamesAsync(Group, new LabelMatch("app", MatchOperator.Equals, ["a"]))).ShouldBeEmpty();
        (await NamesAsync(Group, new LabelMatch("app", MatchOperator.In, ["a", "b"]))).ShouldBe(["p"]);
        (await NamesAsync(Group, new LabelMatch("tier", MatchOperator.Exists, []))).ShouldBeEmpty();
        (await NamesAsync(Group, new LabelMatch("env", MatchOperator.Exists, []))).ShouldBe(["p"]);
        (await NamesAsync(Group, new LabelMatch("tier", MatchOperator.NotEquals, ["web"]))).ShouldBe(["p"]);
    }

    [Fact]
    public async Task UpsertAsync_SameResourceVersionOtherLabels_NothingRewritten()
    {
        // An unchanged resourceVersion keeps the stored row (and its revision), so its labels stay as stored too.
        const string Group = "samerv.test";
        await fixture.Resources.UpsertAsync(
            [TestObjects.Pod("c", "ns", "p", labels: new Dictionary<string, string> { ["app"] = "a" }, group: Group)], CancellationToken.None);
        await fixture.Resources.UpsertAsync(
            [TestObjects.Pod("c", "ns", "p", labels: new Dictionary<string, string> { ["app"] = "z" }, group: Group)], CancellationToken.None);

        (await LabelRowsAsync(Group)).ShouldBe("app=a");
    }

    [Fact]
    public async Task UpsertAsync_OnlyAnnotationsChanged_LabelRowsAndIdsKept()
    {
        // A statement whose rows all keep their labels does not touch the side table; the rows keep their ids.
        const string Group = "annotated.test";
        var labels = new Dictionary<string, string> { ["app"] = "a", ["tier"] = "web" };
        var pods = Enumerable.Range(0, 3).Select(i => TestObjects.Pod("c", "ns", $"p{i}", labels: labels, group: Group)).ToList();
        await fixture.Resources.UpsertAsync(pods, CancellationToken.None);
        var ids = await IdsAsync(Group);

        await fixture.Resources.UpsertAsync(
            [.. Enumerable.Range(0, 3).Select(i => TestObjects.Pod(
                "c", "ns", $"p{i}", labels: labels, resourceVersion: "2", annotations: new Dictionary<string, string> { ["seq"] = "2" }, group: Group))],
            CancellationToken.None);

        (await IdsAsync(Group)).ShouldBe(ids);
        (await LabelRowsAsync(Group)).ShouldBe("app=a,app=a,app=a,tier=web,tier=web,tier=web");
        (await NamesAsync(Group, new LabelMatch("tier", MatchOperator.Equals, ["web"]))).ShouldBe(["p0", "p1", "p2"]);
    }

    [Fact]
    public async Task UpsertAsync_OneStatementMixingKeptChangedAndNewLabels_SideTableFollowsEveryRow()
    {
        const string Group = "mixed.test";
        await fixture.Resources.UpsertAsync(
            [
                TestObjects.Pod("c", "ns", "kept", labels: new Dictionary<string, string> { ["app"] = "k" }, group: Group),
                TestObjects.Pod("c", "ns", "changed", labels: new Dictionary<string, string> { ["app"] = "old" }, group: Group),
            ],
            CancellationToken.None);

        await fixture.Resources.UpsertAsync(
            [
                TestObjects.Pod("c", "ns", "kept", labels: new Dictionary<string, string> { ["app"] = "k" }, resourceVersion: "2", group: Group),
                TestObjects.Pod("c", "ns", "changed", labels: new Dictionary<string, string> { ["app"] = "new" }, resourceVersion: "2", group: Group),
                TestObjects.Pod("c", "ns", "added", labels: new Dictionary<string, string> { ["app"] = "n" }, group: Group),
            ],
            CancellationToken.None);

        (await LabelRowsAsync(Group)).ShouldBe("app=k,app=n,app=new");
        (await NamesAsync(Group, new LabelMatch("app", MatchOperator.In, ["k", "new", "n"]))).ShouldBe(["added", "changed", "kept"]);
        (await NamesAsync(Group, new LabelMatch("app", MatchOperator.Equals, ["old"]))).ShouldBeEmpty();
    }

    [Fact]
    public async Task UpsertAsync_StatementsOfManySizes_PreparedStatementsDoNotPileUp()
    {
        // Each upsert statement is prepared on the server, and its text differs by row count. The pool resets a
        // connection before handing it out again, which frees them: kept, 30 sizes would hold 30 statements.
        const string Group = "prepared.test";
        var before = await PreparedStatementsAsync();
        for (var size = 1; size <= 30; size++)
        {
            var version = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await fixture.Resources.UpsertAsync(
                [.. Enumerable.Range(0, size).Select(i => TestObjects.Pod("c", "ns", $"p{i}", resourceVersion: version, group: Group))], CancellationToken.None);
        }

        (await PreparedStatementsAsync() - before).ShouldBeLessThanOrEqualTo(3);
        (await NamesAsync(Group, new LabelMatch("app", MatchOperator.DoesNotExist, []))).Count.ShouldBe(30);
    }

    [Fact]
    public async Task DeleteAsync_LabelledResource_LabelRowsRemovedWithIt()
    {
        const string Group = "unlabel.test";
        var pods = Enumerable.Range(0, 3)
            .Select(i => TestObjects.Pod("c", "ns", $"p{i}", labels: new Dictionary<string, string> { ["app"] = "a", ["i"] = $"{i}" }, group: Group))
            .ToList();
        await fixture.Resources.UpsertAsync(pods, CancellationToken.None);

        await fixture.Resources.DeleteAsync([pods[0].Key], CancellationToken.None);

        (await LabelRowsAsync(Group)).ShouldBe("app=a,app=a,i=1,i=2");
        (await NamesAsync(Group, new LabelMatch("app", MatchOperator.Equals, ["a"]))).ShouldBe(["p1", "p2"]);
    }

    [Fact]
    public async Task ListAsync_LabelValueLongerThanTheIndexedColumn_FoundThroughTheLabelsColumn()
    {
        // Kubernetes caps values at 63 characters; a longer one (a member that does not validate) is still found.
        const string Group = "longvalue.test";
        var value = new string('v', 100);
        await fixture.Resources.UpsertAsync(
            [TestObjects.Pod("c", "ns", "p", labels: new Dictionary<string, string> { ["note"] = value }, group: Group)], CancellationToken.None);

        (await LabelRowsAsync(Group)).ShouldBe("note=");
        (await NamesAsync(Group, new LabelMatch("note", MatchOperator.Equals, [value]))).ShouldBe(["p"]);
        (await NamesAsync(Group, new LabelMatch("note", MatchOperator.Exists, []))).ShouldBe(["p"]);
        (await NamesAsync(Group, new LabelMatch("note", MatchOperator.NotIn, [value]))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Migration_RowsStoredBeforeTheSideTableAndItsOrderColumns_BackfilledAsTheWritesWriteThem()
    {
        const string Group = "backfill.test";
        await fixture.Resources.UpsertAsync(
            [
                TestObjects.Pod("c", "ns", "p", labels: new Dictionary<string, string> { ["app"] = "a", ["example.com/role"] = "db" }, group: Group),
                TestObjects.Pod("c", "ns", "q", group: Group),
            ],
            CancellationToken.None);
        var written = await LabelRowsAsync(Group, withOrderColumns: true);
        await using var connection = await OpenAsync();
        await ExecuteAsync(connection, $"DELETE l FROM resource_labels l JOIN resources r ON r.id = l.resource_id WHERE r.`group` = '{Group}'");

        // The backfills of schema 6 (the rows) and 10 (their cluster and name), run again over every row: they add
        // nothing to rows that have theirs.
        var migrations = MySqlSchema.Migrations("utf8mb4_nopad_bin");
        await ExecuteAsync(connection, migrations.Single(m => m.Version == 6).Statements[^1]);
        await ExecuteAsync(connection, migrations.Single(m => m.Version == 10).Statements.Single());

        written.ShouldBe("app=a@c/p,example.com/role=db@c/p");
        (await LabelRowsAsync(Group, withOrderColumns: true)).ShouldBe(written);
    }

    private async Task<List<string>> NamesAsync(string group, LabelMatch label)
    {
        var list = await fixture.Resources.ListAsync(
            new ResourceQuery { Group = group, Version = "v1", Resource = "pods", LabelSelector = [label] }, CancellationToken.None);
        return list.Items.Select(i => i.Name).ToList();
    }

    /// <summary>
    /// The label rows of the group's resources as sorted <c>key=value</c> (a NULL value as empty), with
    /// <c>@cluster/name</c> after each when <paramref name="withOrderColumns"/>.
    /// </summary>
    private async Task<string?> LabelRowsAsync(string group, bool withOrderColumns = false)
    {
        await using var connection = await OpenAsync();
        var place = withOrderColumns ? ", '@', l.cluster, '/', CAST(l.name AS CHAR)" : "";
        return await SqliteSchemaTests.ScalarAsync(connection, $"""
            SELECT GROUP_CONCAT(CONCAT(CAST(l.label_key AS CHAR), '=', COALESCE(CAST(l.label_value AS CHAR), ''){place})
                   ORDER BY l.label_key, l.label_value)
            FROM resource_labels l JOIN resources r ON r.id = l.resource_id WHERE r.`group` = '{group}'
            """);
    }

    /// <summary>Statements prepared on the server right now, by every session.</summary>
    private async Task<long> PreparedStatementsAsync()
    {
        await using var connection = await OpenAsync();
        return long.Parse(
            (await SqliteSchemaTests.ScalarAsync(connection, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'PREPARED_STMT_COUNT'"))!,
            System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The ids of the group's resources in name order, comma-separated.</summary>
    private async Task<string?> IdsAsync(string group)
    {
        await using var connection = await OpenAsync();
        return await SqliteSchemaTests.ScalarAsync(connection, $"SELECT GROUP_CONCAT(id ORDER BY name) FROM resources WHERE `group` = '{group}'");
    }

    private async Task<MySqlConnection> OpenAsync()
    {
        var connection = new MySqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "SET SESSION sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES'");
        return connection;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
