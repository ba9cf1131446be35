using System.Text.Json;

namespace Clusterpedia.Clients.Tests;

/// <summary>
/// The bench's <c>--scale-out</c> mode (bench/README.md) at its quick size, so that it keeps running: server child
/// processes in roles on a private PostgreSQL; every member object becomes searchable with one and with two synchro
/// replicas, a SIGKILLed replica's clusters end up held by the other with the stored set equal to the members' by uid
/// and resourceVersion, and searches through one and two API replicas (and two reading a hot standby) answer the
/// same objects without errors. Only correctness is checked, never a timing.
/// </summary>
public sealed class ScaleOutBenchSmokeTests
{
    [Fact]
    public async Task ScaleOutMode_Quick_SyncsTakesOverAndSearchesWithoutLoss()
    {
        var output = Path.Combine(Path.GetTempPath(), $"scale-out-smoke-{Guid.NewGuid():N}.json");
        var (exitCode, stdout, stderr) = await BenchRun.RunAsync(TimeSpan.FromMinutes(5), "--scale-out", "--quick", "--output", output);
        var log = stderr + stdout;
        try
        {
            exitCode.ShouldBe(0, log);
            using var result = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            var root = result.RootElement;
            root.GetProperty("failures").GetArrayLength().ShouldBe(0, log);
            var objects = root.GetProperty("memberObjects").GetInt64();
            objects.ShouldBeGreaterThan(0);
            root.GetProperty("syncSeconds").EnumerateObject().Select(p => p.Name).ShouldBe(["1 synchro replica", "2 synchro replicas"], log);
            root.GetProperty("leasesAfterSync").EnumerateObject().Count().ShouldBe(2, "both replicas held leases before the kill: " + log);

            var takeover = root.GetProperty("takeover");
            takeover.GetProperty("killedClusters").GetArrayLength().ShouldBeGreaterThan(0, log);
            takeover.GetProperty("changesWhileUnheld").GetInt32().ShouldBeGreaterThan(0, log);
            takeover.GetProperty("storedSetEqualsMembers").GetBoolean().ShouldBeTrue(log);
            takeover.GetProperty("storedObjects").GetInt64().ShouldBe(objects);
            takeover.GetProperty("missing").GetInt64().ShouldBe(0);
            takeover.GetProperty("extra").GetInt64().ShouldBe(0);
            takeover.GetProperty("duplicates").GetInt64().ShouldBe(0);

            var search = root.GetProperty("search").EnumerateArray()
                .Select(s => (Replicas: s.GetProperty("replicas").GetInt32(), Concurrency: s.GetProperty("concurrency").GetInt32(),
                    Standby: s.GetProperty("readsFromStandby").GetBoolean(), Requests: s.GetProperty("requests").GetInt64(),
                    Errors: s.GetProperty("errors").GetInt64())).ToList();
            search.Select(s => (s.Replicas, s.Concurrency, s.Standby))
                .ShouldBe([(1, 16, false), (1, 64, false), (2, 16, false), (2, 64, false), (2, 16, true), (2, 64, true)], log);
            search.ShouldAllBe(s => s.Requests > 0 && s.Errors == 0, log);
            root.GetProperty("search").EnumerateArray().Last().GetProperty("standbyReads").GetInt64().ShouldBeGreaterThan(0, "the standby served reads: " + log);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
