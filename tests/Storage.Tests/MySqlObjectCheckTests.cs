using System.Text;
using Clusterpedia.Storage.Tests.Fixtures;
using MySqlConnector;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// The object column's <c>CHECK (JSON_VALID(object))</c> on MariaDB: kept in the schema for every other writer, and
/// switched off for the resource upsert's statement only, whose objects the synchro has already read whole with a
/// validating JSON reader (MySqlDialect.UpsertPrefix).
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MySqlObjectCheckTests(MariaDbStorageFixture fixture) : IClassFixture<MariaDbStorageFixture>
{
    [Fact]
    public async Task UpsertAsync_OnMariaDb_SkipsTheJsonCheckThatOtherWritesStillMeet()
    {
        const string Group = "objectcheck.test";
        var valid = TestObjects.Pod("c", "ns", "p", group: Group);
        var notJson = TestObjects.WithObject(TestObjects.Pod("c", "ns", "unchecked", group: Group), """{"kind":""");

        await fixture.Resources.UpsertAsync([valid, notJson], CancellationToken.None);

        var stored = await fixture.Resources.GetAsync(notJson.Key, CancellationToken.None);
        Encoding.UTF8.GetString(stored!.Object.Span).ShouldBe("""{"kind":""");
        await using var connection = new MySqlConnection(fixture.Options.ConnectionString);
        await connection.OpenAsync();
        await using var update = new MySqlCommand($"UPDATE resources SET object = '{{' WHERE `group` = '{Group}' AND name = 'p'", connection);
        var refused = await Should.ThrowAsync<MySqlException>(() => update.ExecuteNonQueryAsync());
        refused.Number.ShouldBe(4025); // ER_CONSTRAINT_FAILED: CONSTRAINT `object` failed
    }
}
