using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.ClusterSynchro.Tests.Integration;
using Clusterpedia.KubeSim;
using Npgsql;

namespace Clusterpedia.ClusterSynchro.Tests.Hardening;

/// <summary>
/// A status write that fails is not forgotten: when the database refuses the write of a condition change (here Ready
/// turning False as the member hangs) and nothing changes afterwards, the synchro still writes the status once the
/// database takes writes again. Before, the change stayed unwritten until the next condition change, so other
/// processes (an API-only replica's /readyz and Warning headers) went on reporting the cluster Ready.
/// </summary>
[Collection(SynchroCollection.Name)]
public sealed class StatusWriteFailureTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StatusWrite_RefusedByTheDatabase_WrittenOnceItAcceptsWritesAgain()
    {
        await using var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "refusing", Token = "token-refusing", Namespaces = 1 });
        await using var harness = await SynchroHarness.StartAsync(StorageEngineKind.Postgres);
        await harness.ApplyAsync("refusing", SynchroHarness.SpecFor(sim, [SimResources.Namespaces]));
        await harness.WaitForConditionAsync("refusing", "Ready", "True", _timeout);

        // The next updates of this PediaCluster's row fail, as on a database that refuses writes for a while; a
        // sequence (which a rollback does not undo) counts them. More are refused than the writes the outage itself
        // causes, so the status gets through only if the synchro tries again on its own.
        await using var db = new NpgsqlConnection(harness.ConnectionString);
        await db.OpenAsync();
        await ExecuteAsync(db, $$"""
            CREATE SEQUENCE refused_status_writes;
            CREATE FUNCTION refuse_status_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('refused_status_writes') <= {{_refused}} THEN
                    RAISE EXCEPTION 'the test refuses this write';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_status_write BEFORE UPDATE ON api_objects
                FOR EACH ROW WHEN (NEW.name = 'refusing') EXECUTE FUNCTION refuse_status_write();
            """);

        // The member hangs: the synchro sees it at once, but the database refuses to store it for a while.
        sim.Faults.Hang();
        await Eventually.UntilAsync(() => Task.FromResult(harness.Manager.NotReadyClusters().Contains("refusing")), _timeout, () => Task.FromResult("the hung member still counts as ready"));
        await harness.WaitForConditionAsync("refusing", "Ready", "False", _timeout);
        (await AttemptsAsync(db)).ShouldBeGreaterThan(_refused, "the status was written before the database took writes again");
        sim.Faults.ComeUp();
    }

    private const int _refused = 10;

    private static async Task ExecuteAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>How many updates of the row were attempted since the trigger was armed.</summary>
    private static async Task<long> AttemptsAsync(NpgsqlConnection db)
    {
        await using var command = new NpgsqlCommand("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM refused_status_writes", db);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
