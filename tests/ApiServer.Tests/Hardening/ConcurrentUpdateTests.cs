using System.Text;
using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// Writes racing on one of our objects, as kube-apiserver settles them: a write that names no resourceVersion is
/// retried on a concurrent change (a patch racing the synchro's status write is not the caller's conflict), a write
/// that names a stale one is a 409 Conflict.
/// </summary>
[Collection(HardeningCollection.Name)]
public sealed class ConcurrentUpdateTests(LimitsServer server)
{
    [Fact]
    public async Task MergePatches_ConcurrentWithoutResourceVersion_AllApplied()
    {
        var name = "race-" + Guid.NewGuid().ToString("N")[..8];
        var (code, text) = await server.SendAsync(HttpMethod.Post, LimitsServer.PediaClusters, "application/json", Encoding.UTF8.GetBytes(LimitsServer.PediaCluster(name, "")));
        code.ShouldBe(201, text);

        // Eight writers on the same revision (with one attempt each, some get 409): each round of compare-and-swap
        // lets at least one through, so every writer lands within the server's hundred attempts.
        var patches = Enumerable.Range(0, 8).Select(i => server.SendAsync(HttpMethod.Patch, $"{LimitsServer.PediaClusters}/{name}",
            "application/merge-patch+json", Encoding.UTF8.GetBytes("{\"metadata\":{\"labels\":{\"writer-" + i + "\":\"yes\"}}}")));
        var results = await Task.WhenAll(patches);

        results.ShouldAllBe(r => r.Code == 200, string.Join("\n", results.Select(r => r.Text)));
        using var response = await server.Http.GetAsync(new Uri(server.Server, $"{LimitsServer.PediaClusters}/{name}"));
        var labels = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("metadata").GetProperty("labels");
        labels.EnumerateObject().Select(l => l.Name).Where(n => n.StartsWith("writer-", StringComparison.Ordinal)).Order()
            .ShouldBe(Enumerable.Range(0, 8).Select(i => $"writer-{i}"));
    }

    [Fact]
    public async Task Delete_AmidPatchesWithoutResourceVersion_MarksWithoutConflict()
    {
        // A foreign finalizer holds the object, so the deletion only marks it and answers at once. Two writers patch
        // the object in a loop while it is deleted, so its read and its compare-and-swap straddle their writes. They
        // stop a few patches after the deletion was sent: at most six writes can land ahead of it, so its retries
        // cannot run out.
        for (var round = 0; round < 10; round++)
        {
            var name = "delrace-" + Guid.NewGuid().ToString("N")[..8];
            var path = $"{LimitsServer.PediaClusters}/{name}";
            var (code, text) = await server.SendAsync(HttpMethod.Post, LimitsServer.PediaClusters, "application/json",
                Encoding.UTF8.GetBytes(LimitsServer.PediaCluster(name, ""","finalizers":["example.com/hold"]""")));
            code.ShouldBe(201, text);

            // Writers stop by themselves once `limit` patches have landed: unbounded until the deletion is sent.
            var patched = 0;
            var limit = int.MaxValue;
            async Task<string?> WriteUntilLimitAsync(int writer)
            {
                for (var i = 0; Volatile.Read(ref patched) < Volatile.Read(ref limit); i++)
                {
                    var (patchCode, patchText) = await server.SendAsync(HttpMethod.Patch, path, "application/merge-patch+json",
                        Encoding.UTF8.GetBytes("{\"metadata\":{\"labels\":{\"writer-" + writer + "\":\"" + i + "\"}}}"));
                    if (patchCode != 200)
                    {
                        return patchText;
                    }

                    Interlocked.Increment(ref patched);
                }

                return null;
            }

            var writers = Enumerable.Range(0, 2).Select(WriteUntilLimitAsync).ToArray();
            await Eventually.TrueAsync(() => Volatile.Read(ref patched) >= 4, "the writers to land four patches");
            var before = Volatile.Read(ref patched);
            var deletion = server.SendAsync(HttpMethod.Delete, path, "application/json", []);
            Volatile.Write(ref limit, before + 4);
            var (deleteCode, deleteText) = await deletion;
            var failures = await Task.WhenAll(writers);

            deleteCode.ShouldBe(200, $"round {round}: {deleteText}");
            failures.ShouldAllBe(f => f == null, string.Join("\n", failures));
            using var response = await server.Http.GetAsync(new Uri(server.Server, path));
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("metadata")
                .TryGetProperty("deletionTimestamp", out _).ShouldBeTrue($"round {round}: the deletion did not mark {name}");
        }
    }

    [Theory]
    [InlineData("application/merge-patch+json", """{"metadata":{"resourceVersion":"1","labels":{"stale":"yes"}}}""")]
    [InlineData("application/json-patch+json", """[{"op":"replace","path":"/metadata/resourceVersion","value":"1"},{"op":"add","path":"/metadata/labels","value":{"stale":"yes"}}]""")]
    public async Task Patch_StaleResourceVersion_Is409Conflict(string contentType, string patch)
    {
        var name = "stale-" + Guid.NewGuid().ToString("N")[..8];
        var (code, text) = await server.SendAsync(HttpMethod.Post, LimitsServer.PediaClusters, "application/json", Encoding.UTF8.GetBytes(LimitsServer.PediaCluster(name, "")));
        code.ShouldBe(201, text);
        (code, text) = await server.SendAsync(HttpMethod.Patch, $"{LimitsServer.PediaClusters}/{name}", "application/merge-patch+json", """{"metadata":{"labels":{"moved":"on"}}}"""u8.ToArray());
        code.ShouldBe(200, text);

        (code, text) = await server.SendAsync(HttpMethod.Patch, $"{LimitsServer.PediaClusters}/{name}", contentType, Encoding.UTF8.GetBytes(patch));

        var status = LimitsServer.ShouldBeStatus(code, text, 409, "the object has been modified");
        status.GetProperty("reason").GetString().ShouldBe("Conflict");
    }
}
