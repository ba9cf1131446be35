using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Clusterpedia.ApiServer.Tests.Hostile;

/// <summary>
/// The malformed-input corpus against the real server with a synced member: no case gets a 5xx or hangs, every 4xx
/// is a Status, and afterwards the server is ready, searches return the member's objects and a new cluster syncs.
/// </summary>
public sealed class HostileInputCorpusTests(HostileEnvironment env, ITestOutputHelper output) : IClassFixture<HostileEnvironment>
{
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources";
    private const int _parallelism = 4;
    private static readonly TimeSpan _deathGrace = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Corpus_EveryCase_IsAnsweredWithoutServerErrorAndLeavesServerHealthy()
    {
        var clock = Stopwatch.StartNew();
        var cases = new CorpusGenerator(await ContextAsync()).Generate();
        cases.Count.ShouldBeGreaterThanOrEqualTo(500);

        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxConnectionsPerServer = _parallelism,
            RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        var runner = new CorpusRunner(http);
        var results = new ConcurrentBag<CaseResult>();
        var again = new ConcurrentBag<HostileCase>();
        using var restart = new SemaphoreSlim(1);

        // Parallel phase: a case whose connection failed is run again alone later, since a case running next to it
        // may be the one that took the server down.
        await Parallel.ForEachAsync(cases.Where(c => !c.Serial), new ParallelOptions { MaxDegreeOfParallelism = _parallelism }, async (c, cancellationToken) =>
        {
            await restart.WaitAsync(cancellationToken);
            restart.Release();
            var result = await runner.RunAsync(c, env.Server.Url);
            if (result.ConnectionFailed && await ServerDiedAsync())
            {
                again.Add(c);
                await RestartIfDeadAsync(restart);
                return;
            }

            results.Add(result);
        });

        var parallelTime = clock.Elapsed;

        // Serial phase: the cases that may kill the server on today's main, and the casualties of a crash above.
        // The alias bombs go last: on today's main the server keeps expanding one after the client gave up.
        foreach (var c in again.Concat(cases.Where(c => c.Serial).OrderBy(c => c.Cause == "body:alias-bomb")))
        {
            var result = await runner.RunAsync(c, env.Server.Url);
            if (result.Status == 0 && await ServerDiedAsync())
            {
                await RestartIfDeadAsync(restart);
                result = result with { Problem = $"{result.Problem}; the server process died: {env.Server.Exits[^1]}" };
            }

            results.Add(result);
        }

        var corpusTime = clock.Elapsed;
        // A server that dies after the last case answered (an expansion that runs out of memory later) is a health
        // problem of its own; the checks then run once more on a restarted server.
        var health = new List<string>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                await CleanUpAsync();
                health.AddRange(await HealthProblemsAsync());
                break;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or JsonException or InvalidOperationException)
            {
                if (await ServerDiedAsync())
                {
                    await RestartIfDeadAsync(restart);
                    health.Add("the server process died after the corpus: " + env.Server.Exits[^1]);
                    continue;
                }

                health.Add("the server could not be checked: " + e.Message);
                break;
            }
        }

        var all = results.ToList();
        output.WriteLine($"{all.Count} cases in {corpusTime.TotalSeconds:0.0} s ({parallelTime.TotalSeconds:0.0} s in parallel, {all.Count(r => r.Case.Serial)} serial), {env.Server.Exits.Count} server restarts");
        output.WriteLine("status histogram: " + string.Join(", ", all.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "none" : g.Key)}: {g.Count()}")));
        output.WriteLine($"slowest: {string.Join("; ", all.OrderByDescending(r => r.Elapsed).Take(5).Select(r => $"{r.Elapsed.TotalSeconds:0.0} s {r.Case}"))}");
        var failures = all.Where(r => r.Problem is not null).OrderBy(r => r.Case.Cause, StringComparer.Ordinal).ToList();
        var report = new StringBuilder();
        foreach (var group in failures.GroupBy(r => r.Case.Cause))
        {
            report.AppendLine($"[{group.Key}] {group.Count()} failing");
            foreach (var r in group)
            {
                report.AppendLine($"  {r.Case} -> {(r.Status == 0 ? "no status" : r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {r.Problem}");
            }
        }

        foreach (var problem in health)
        {
            report.AppendLine("[health after the corpus] " + problem);
        }

        output.WriteLine(report.Length == 0 ? "no failures" : report.ToString());
        all.Count.ShouldBe(cases.Count);
        (failures.Count + health.Count).ShouldBe(0, $"{failures.Count} of {all.Count} cases failed, {health.Count} health problems:\n{report}");
    }

    /// <summary>
    /// After a failed connection: a server that still answers /healthz is alive; one that does not is given a few
    /// seconds to finish dying (a stack overflow prints thousands of frames before the process ends).
    /// </summary>
    private async Task<bool> ServerDiedAsync()
    {
        if (!env.Server.HasExited)
        {
            try
            {
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await env.Http.GetAsync(new Uri(env.Server.Url, "/healthz"), probe.Token);
                return false;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
            }
        }

        return await env.Server.DiesWithinAsync(_deathGrace);
    }

    private async Task RestartIfDeadAsync(SemaphoreSlim restart)
    {
        await restart.WaitAsync();
        try
        {
            if (env.Server.HasExited)
            {
                await env.Server.RestartAsync(CancellationToken.None);
                await env.WaitReadyAsync(HostileEnvironment.ClusterName, TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            restart.Release();
        }
    }

    /// <summary>Real names and real continue tokens (one per sort order) for the generator to mutate.</summary>
    private async Task<CorpusContext> ContextAsync()
    {
        var pods = await env.MemberObjectsAsync("/api/v1/pods");
        var pod = pods.First(p => p.Namespace == "kube-system");
        var tokens = new List<string>();
        foreach (var query in new[] { "", "&orderby=name", "&orderby=created_at%20desc", "&orderby=cluster,namespace,name" })
        {
            using var doc = JsonDocument.Parse(await env.Http.GetStringAsync(new Uri(env.Server.Url, _search + "/api/v1/pods?limit=1" + query)));
            if (doc.RootElement.GetProperty("metadata").TryGetProperty("continue", out var token) && token.GetString() is { Length: > 0 } t)
            {
                tokens.Add(t);
            }
        }

        tokens.ShouldNotBeEmpty("the server issued no continue token to mutate");
        return new CorpusContext(HostileEnvironment.ClusterName, HostileEnvironment.Target, pod.Namespace, pod.Name,
            env.PediaClusterJson(HostileEnvironment.Target, """[{"group":"apps","resources":["deployments"]}]"""), tokens);
    }

    /// <summary>
    /// Removes what the corpus may have created, so the health check sees only the member's cluster. A PediaCluster
    /// that synced goes once the synchro has removed its data, which on a busy machine can outlast the DELETE's own
    /// wait: the cleanup waits until the lists hold only the member's cluster.
    /// </summary>
    private async Task CleanUpAsync()
    {
        foreach (var list in new[] { "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters", "/apis/cluster.clusterpedia.io/v1alpha2/clustersyncresources" })
        {
            async Task<List<string>> LeftAsync()
            {
                using var doc = JsonDocument.Parse(await env.Http.GetStringAsync(new Uri(env.Server.Url, list)));
                return [.. doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()!)
                    .Where(name => name != HostileEnvironment.ClusterName)];
            }

            foreach (var name in await LeftAsync())
            {
                using var deleted = await env.Http.DeleteAsync(new Uri(env.Server.Url, list + "/" + name));
            }

            await Eventually.UntilAsync(async () => (await LeftAsync()).Count == 0, TimeSpan.FromSeconds(60),
                async () => $"{list} still holds {string.Join(", ", await LeftAsync())} after the cleanup deleted them");
        }
    }

    /// <summary>Ready, searches equal the member, and a PediaCluster created now still syncs (reconcile not poisoned).</summary>
    private async Task<List<string>> HealthProblemsAsync()
    {
        var problems = new List<string>();
        if (env.Server.HasExited)
        {
            return ["the server process is not running"];
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        var ready = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await env.Http.GetAsync(new Uri(env.Server.Url, "/readyz"));
            ready = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.IsSuccessStatusCode)
            {
                break;
            }

            await Task.Delay(200);
        }

        if (!ready.StartsWith("200", StringComparison.Ordinal))
        {
            problems.Add("/readyz: " + ready);
        }

        foreach (var (member, searchPath) in new[]
        {
            ("/api/v1/pods", _search + "/clusters/" + HostileEnvironment.ClusterName + "/api/v1/pods"),
            ("/apis/apps/v1/deployments", _search + "/apis/apps/v1/deployments"),
        })
        {
            // A PediaCluster of the corpus deleted without our finalizer (a write may have removed it) has its data
            // removed by the synchro after the deletion answered: the search converges to the member, or it is a problem.
            var expected = await env.MemberObjectsAsync(member);
            var actual = new List<(string, string)>();
            var converged = DateTime.UtcNow.AddSeconds(30);
            var waited = Stopwatch.StartNew();
            while (true)
            {
                using var doc = JsonDocument.Parse(await env.Http.GetStringAsync(new Uri(env.Server.Url, searchPath)));
                actual = [.. doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata"))
                    .Select(m => (m.GetProperty("namespace").GetString()!, m.GetProperty("name").GetString()!)).Order()];
                if (actual.SequenceEqual(expected) || DateTime.UtcNow > converged)
                {
                    break;
                }

                await Task.Delay(200);
            }

            output.WriteLine($"{searchPath}: {actual.Count} objects after {waited.Elapsed.TotalSeconds:0.0} s, the member has {expected.Count}");
            if (!actual.SequenceEqual(expected))
            {
                problems.Add($"{searchPath}: {actual.Count} objects 30 s after the cleanup, the member has {expected.Count}");
            }
        }

        const string Fresh = "hostile-after";
        using (var created = await env.Http.PostAsync(new Uri(env.Server.Url, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters"),
            new StringContent(env.PediaClusterJson(Fresh, """[{"group":"apps","resources":["deployments"]}]"""), Encoding.UTF8, "application/json")))
        {
            if ((int)created.StatusCode != 201)
            {
                problems.Add($"creating a PediaCluster after the corpus: {(int)created.StatusCode}");
                return problems;
            }
        }

        try
        {
            await env.WaitReadyAsync(Fresh, TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException e)
        {
            problems.Add("a PediaCluster created after the corpus never synced: " + e.Message[..Math.Min(e.Message.Length, 300)]);
        }

        using var deleted = await env.Http.DeleteAsync(new Uri(env.Server.Url, "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters/" + Fresh));
        return problems;
    }
}
