using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.SyncState;
using Clusterpedia.Storage;

namespace Clusterpedia.ApiServer.Observability;

/// <summary>
/// The routes every process serves whatever its roles: liveness, readiness and Prometheus metrics. Readiness is the
/// same question in every role (does the store answer, and did every cluster finish its initial sync), answered from
/// the synchros' memory where they run and from the PediaClusters' status where they do not.
/// </summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/livez", () => Results.Text("ok"));
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/readyz", async (HttpContext c, IApiObjectStore store, IClusterSyncState sync) =>
        {
            await store.ListAsync(PediaClusterResource.StorageKey, c.RequestAborted).ConfigureAwait(false);
            if (!sync.InitialSyncDone)
            {
                return Results.Text($"[-]initial-sync failed: waiting for {string.Join(", ", sync.NotReadyClusters())}\nreadyz check failed", statusCode: 503);
            }

            return Results.Text("ok");
        });
    }
}
