using System.Diagnostics.Metrics;
using Clusterpedia.ApiServer.Admission;
using Clusterpedia.ApiServer.Clusters;
using Clusterpedia.ApiServer.Collections;
using Clusterpedia.ApiServer.Configuration;
using Clusterpedia.ApiServer.Discovery;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Observability;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.ApiServer.Search.Access;
using Clusterpedia.ApiServer.Security;
using Clusterpedia.ApiServer.Watch;
using Clusterpedia.ClusterSynchro;
using Clusterpedia.ClusterSynchro.Encryption;
using Clusterpedia.Storage;
using OpenTelemetry.Metrics;

namespace Clusterpedia.ApiServer;

/// <summary>
/// Builds the server: storage, synchro manager and HTTP routes, as far as the process's <see cref="ServerRoles"/> ask.
/// Program uses it, and end-to-end tests use it to run the real server on a real loopback port in-process.
/// </summary>
public static class ServerApp
{
    /// <summary>The .NET runtime's built-in meter: GC collections and pause time, heap, CPU, thread pool, exceptions.</summary>
    private const string _runtimeMeter = "System.Runtime";

    // Short flags for the options people set most; every option is also settable as --Section:Key=value.
    private static readonly Dictionary<string, string> _switches = new(StringComparer.Ordinal)
    {
        ["--host-kubeconfig"] = "Synchro:HostKubeconfig",
        ["--host-context"] = "Synchro:HostContext",
        ["--host-in-cluster"] = "Synchro:HostInCluster",
        ["--secret-namespace"] = "Synchro:SecretNamespace",
        ["--sharding-name"] = "Synchro:Sharding:Name",
        ["--api"] = ServerRoles.Section + ":" + nameof(ServerRoles.Api),
        ["--synchro"] = ServerRoles.Section + ":" + nameof(ServerRoles.Synchro),
    };

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var (builder, roles) = CreateBuilder(args, configure);
        var app = builder.Build();
        app.Services.GetRequiredService<ServerMetrics>();
        app.UseMiddleware<MetricsMiddleware>();
        app.UseMiddleware<StatusMiddleware>();
        app.UseServerSecurity();
        if (roles.Api)
        {
            app.MapClusterpedia();
        }
        else
        {
            // Synchro-only: health and metrics, and a 404 Status for everything else (search included).
            app.MapHealth();
            app.MapFallback(() => { throw ApiException.PathNotFound(); });
        }

        return app;
    }

    /// <summary>The configuration read and checked and the services registered, nothing built yet (--print-config stops here).</summary>
    internal static (WebApplicationBuilder Builder, ServerRoles Roles) CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        args = SecuritySetup.NormalizeFlags(args);
        var builder = WebApplication.CreateBuilder(args);
        ClusterpediaConfig.Add(builder.Configuration, Environment.GetEnvironmentVariable(ClusterpediaConfig.EnvironmentVariable));
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(_switches.Concat(SecuritySetup.Switches), StringComparer.Ordinal));
        configure?.Invoke(builder);

        // These two sections are read before the services are registered; the whole check comes after.
        ConfigurationChecker.ThrowIfInvalid(builder.Configuration, ConfigSchema.Of((ServerRoles.Section, typeof(ServerRoles)), (SecurityOptions.Section, typeof(SecurityOptions))), typesOnly: true);
        var roles = builder.Configuration.GetSection(ServerRoles.Section).Get<ServerRoles>() ?? new ServerRoles();
        builder.Services.AddOptions<ServerRoles>().Bind(builder.Configuration.GetSection(ServerRoles.Section));
        if (!roles.Api && !roles.Synchro)
        {
            throw new InvalidConfigurationException("Roles: --api=false and --synchro=false together leave the process nothing to do; keep at least one");
        }

        // Bound (rather than configured by a callback) so that the configuration schema sees the section.
        builder.Services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection("Storage"));
        builder.Services.AddStorage(_ => { });
        builder.Services.AddClusterSynchro(builder.Configuration.GetSection("Synchro"), runSynchros: roles.Synchro);
        builder.Services.Configure<CredentialEncryptionOptions>(builder.Configuration.GetSection(CredentialEncryptionOptions.Section));
        builder.Services.Configure<Clusterpedia.ClusterSynchro.Workloads.Lua.LuaPluginOptions>(builder.Configuration.GetSection(Clusterpedia.ClusterSynchro.Workloads.Lua.LuaPluginOptions.Section));
        builder.Services.AddRequestLimits(builder.Configuration.GetSection(RequestLimits.Section));

        // Registered in every role: one configuration serves API and synchro processes alike, and is checked whole.
        builder.Services.AddOptions<QueryLimits>().Bind(builder.Configuration.GetSection(QueryLimits.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<PerUserResultsOptions>().Bind(builder.Configuration.GetSection(PerUserResultsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        if (roles.Api)
        {
            builder.Services.AddSingleton<MemberAccess>();
            builder.Services.AddSingleton<SearchHandler>();
            builder.Services.AddSingleton<WatchHandler>();
            builder.Services.AddSingleton<CollectionHandler>();
            builder.Services.AddSingleton<OwnApiHandler>();
            builder.Services.AddSingleton<OpenApiDocuments>();
            builder.Services.AddSingleton<AdmissionHandler>();
            builder.Services.AddStorageChangeListener();
        }

        builder.AddServerSecurity();

        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Clusterpedia.*", _runtimeMeter)
            // Only this server's instruments: a meter listener sees every meter of the process by name, so a second
            // server in the same process (tests) would otherwise merge into, and on disposal end, our series.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, metrics) =>
        {
            var own = services.GetRequiredService<IMeterFactory>();

            // The runtime's meter (GC collections and pause time, heap, CPU, thread pool) describes the process and is
            // only observed: every server in it may report it.
            metrics.AddView(instrument =>
                ReferenceEquals(instrument.Meter.Scope, own) || instrument.Meter.Name == _runtimeMeter ? null : MetricStreamConfiguration.Drop);
        });

        // Every options section is registered now: unknown keys and values of the wrong type fail the start here.
        var schema = ConfigSchema.FromServices(builder.Services);
        ConfigurationChecker.ThrowIfInvalid(builder.Configuration, schema);
        builder.Services.AddSingleton(schema);
        return (builder, roles);
    }
}
