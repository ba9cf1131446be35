using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>Deleting a PediaCluster answers as kube-apiserver does: at once when a foreign finalizer holds it.</summary>
public sealed class PediaClusterDeleteTests(OwnApiServer server) : IClassFixture<OwnApiServer>
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task DeletePediaCluster_ForeignFinalizer_AnswersAtOnceAndWaitsForIt()
    {
        var name = Unique("held");
        var (created, body) = await server.SendAsync(HttpMethod.Post, OwnApiServer.PediaClusters,
            $$$"""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"{{{name}}}","finalizers":["example.com/hold"]},"spec":{"apiserver":"https://127.0.0.1:1","syncResources":[{"group":"apps","resources":["deployments"]}]}}""");
        created.ShouldBe(201, body?.ToJsonString());

        var clock = Stopwatch.StartNew();
        var (code, deleted) = await server.SendAsync(HttpMethod.Delete, $"{OwnApiServer.PediaClusters}/{name}");
        clock.Stop();

        code.ShouldBe(200, deleted?.ToJsonString());
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        deleted!["metadata"]!["deletionTimestamp"].ShouldNotBeNull();

        // Our data finalizer goes once the cluster's data is removed; the foreign one holds the object.
        JsonNode? current = null;
        await Eventually.UntilAsync(
            async () =>
            {
                (code, current) = await server.SendAsync(HttpMethod.Get, $"{OwnApiServer.PediaClusters}/{name}");
                code.ShouldBe(200, current?.ToJsonString());
                current!["metadata"]!["deletionTimestamp"].ShouldNotBeNull();
                return current["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()).SequenceEqual(["example.com/hold"]);
            },
            _timeout, () => Task.FromResult($"our finalizer was not removed: {current?.ToJsonString()}"));

        (code, body) = await server.SendAsync(HttpMethod.Patch, $"{OwnApiServer.PediaClusters}/{name}",
            """{"metadata":{"finalizers":[]}}""", "application/merge-patch+json");
        code.ShouldBe(200, body?.ToJsonString());
        (code, _) = await server.SendAsync(HttpMethod.Get, $"{OwnApiServer.PediaClusters}/{name}");
        code.ShouldBe(404);
    }
}
