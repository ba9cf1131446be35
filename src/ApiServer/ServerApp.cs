using Clusterpedia.ApiServer.Clusters;
using Clusterpedia.ApiServer.Collections;
using Clusterpedia.ApiServer.Discovery;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Observability;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.ApiServer.Watch;
using Clusterpedia.ClusterSynchro;
using Clusterpedia.Storage;
using OpenTelemetry.Metrics;

namespace Clusterpedia.ApiServer;

/// <summary>
/// Builds the server: storage, synchro manager and HTTP routes. Program uses it, and end-to-end tests use it to run
/// the real server on a real loopback port in-process.
/// </summary>
public static class ServerApp
{
    // Short flags for the options people set most; every option is also settable as --Section:Key=value.
    private static readonly Dictionary<string, string> _switches = new(StringComparer.Ordinal)
    {
        ["--host-kubeconfig"] = "Synchro:HostKubeconfig",
        ["--host-context"] = "Synchro:HostContext",
        ["--secret-namespace"] = "Synchro:SecretNamespace",
    };

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, _switches);
        configure?.Invoke(builder);
        builder.Services.AddStorage(o => builder.Configuration.GetSection("Storage").Bind(o));
        builder.Services.AddClusterSynchro(builder.Configuration.GetSection("Synchro"));
        builder.Services.AddRequestLimits(builder.Configuration.GetSection(RequestLimits.Section));
        builder.Services.AddOptions<QueryLimits>().Bind(builder.Configuration.GetSection(QueryLimits.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SearchHandler>();
        builder.Services.AddSingleton<WatchHandler>();
        builder.Services.AddSingleton<CollectionHandler>();
        builder.Services.AddSingleton<OwnApiHandler>();
        builder.Services.AddSingleton<OpenApiDocuments>();
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Clusterpedia.*")
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        var app = builder.Build();
        app.Services.GetRequiredService<ServerMetrics>();
        app.UseMiddleware<MetricsMiddleware>();
        app.UseMiddleware<StatusMiddleware>();
        app.MapClusterpedia();
        return app;
    }
}
