using System.Net;
using Clusterpedia.KubeSim.Aggregation;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Faults;
using Clusterpedia.KubeSim.Http;
using Clusterpedia.KubeSim.Reviews;
using Clusterpedia.KubeSim.Security;
using Clusterpedia.KubeSim.Workload;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clusterpedia.KubeSim;

/// <summary>
/// One simulated member cluster: a Kestrel server on loopback answering the Kubernetes API from an in-memory store
/// filled with a generated workload. Start it in-process for tests or from the command line for demos.
/// </summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CertificateAuthority? _authority;
    private readonly ClusterSecurity _security;
    private readonly WorkloadController _controller;
    private readonly ILogger _logger;
    private readonly Lock _churnLock = new();
    private ChurnGenerator? _churn;
    private long _churnOperations;
    private FrontProxy? _frontProxy;
    private System.Collections.Concurrent.ConcurrentQueue<string> _serverNames = new();
    private RequestHeaderAuthenticator? _requestHeader;
    private ApiServiceAvailabilityController? _availability;

    private SimulatedCluster(
        WebApplication app, Uri url, SimulatorOptions options, SimulatorStore store, CertificateAuthority? authority, ClusterSecurity security,
        FaultInjector faults, WorkloadController controller, ILogger logger)
    {
        _security = security;
        _logger = logger;
        _controller = controller;
        Faults = faults;
        _app = app;
        _authority = authority;
        Url = url;
        Options = options;
        Store = store;
    }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url { get; }

    /// <summary>The bearer token clients must send, when one is required.</summary>
    public string? Token => Options.Token;

    public SimulatorOptions Options { get; }

    /// <summary>PEM of the CA that signed the serving certificate and signs client certificates; null without TLS.</summary>
    public string? CaCertificatePem => _authority?.CertificatePem;

    /// <summary>
    /// PEM of the front-proxy CA whose <c>front-proxy-client</c> certificate this cluster presents to aggregated API
    /// servers (their <see cref="SimulatorOptions.RequestHeader"/> CA); null without TLS or with FrontProxy off.
    /// </summary>
    public string? FrontProxyCaPem => _frontProxy?.CaPem;

    /// <summary>The TLS server names (SNI) clients sent, one per handshake in order; empty for a client that sent none.</summary>
    public IReadOnlyCollection<string> ServerNamesSeen => _serverNames;

    /// <summary>The objects; writes here are seen by list and watch clients at once.</summary>
    public SimulatorStore Store { get; }

    /// <summary>Fault injection: cluster down, error answers, latency, compaction, dropped watches.</summary>
    public FaultInjector Faults { get; }

    public static Task<SimulatedCluster> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, NullLoggerFactory.Instance, cancellationToken);

    public static async Task<SimulatedCluster> StartAsync(SimulatorOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger("Clusterpedia.KubeSim");
        var catalog = ApiResourceCatalog.LoadBuiltIn();
        var store = new SimulatorStore(catalog, options.TimeProvider, options.Seed, options.HistoryCapacity, options.WatchQueueCapacity);
        var objects = new WorkloadGenerator(store, options).Generate();
        // Started after generation: the generated workload is already consistent and needs no reconciling.
        var controller = new WorkloadController(store, options, logger);
        if (options.RunControllers)
        {
            controller.Start();
        }

        var authority = options.Tls ? new CertificateAuthority(options.ClusterName, options.TimeProvider) : null;
        var serving = authority?.IssueServing(options.ServingDnsNames);
        var serverNames = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var frontProxy = authority is not null && options.FrontProxy ? new FrontProxy(options.ClusterName, options.TimeProvider) : null;
        if (frontProxy is not null)
        {
            ExtensionApiServerAuthentication.Create(store, authority!.CertificatePem, frontProxy.CaPem);
        }

        var requestHeader = authority is not null && options.RequestHeader is { } requestHeaderOptions
            ? new RequestHeaderAuthenticator(requestHeaderOptions, options.TimeProvider)
            : null;
        var security = ClusterSecurity.Create(options, store, authority, requestHeader, logger);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatedCluster).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        // The host must not hook Ctrl+C or SIGTERM: the process (tests, or Program) decides when the cluster stops.
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (serving is not null)
                {
                    listen.UseHttps(https =>
                    {
                        // A selector rather than a fixed certificate: it is told the SNI name each client sent.
                        https.ServerCertificateSelector = (_, name) =>
                        {
                            serverNames.Enqueue(name ?? "");
                            return serving;
                        };
                        https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                        // Checked per request against our CA: an unknown certificate is unauthenticated (401), not a failed handshake.
                        https.AllowAnyClientCertificate();
                    });
                }
            });
        });
        var app = builder.Build();
        var faults = new FaultInjector(store, options.TimeProvider, logger, options.ClusterName);
        // The control endpoint can start churn, which belongs to the cluster object made once the server is up.
        SimulatedCluster? started = null;
        Task SetChurnAsync(double perSecond)
        {
            if (started is null)
            {
                return Task.CompletedTask;
            }

            if (perSecond > 0)
            {
                started.StartChurn(perSecond);
                return Task.CompletedTask;
            }

            return started.StopChurnAsync();
        }

        var discovery = new AggregatedDiscoveryCache();
        var aggregator = frontProxy is null ? null : new Aggregator(store, catalog, frontProxy, discovery);
        var availability = aggregator is null
            ? null
            : new ApiServiceAvailabilityController(store, aggregator, discovery, options.AggregationCheckInterval, options.TimeProvider, logger);
        var handler = new ApiHandler(
            catalog, new ResourceHandler(store, options, faults, logger), options, security,
            new ReviewHandler(security, store, options.TimeProvider), faults, SetChurnAsync, logger, aggregator);
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // E.g. the port is taken: leave nothing running behind.
            await controller.DisposeAsync().ConfigureAwait(false);
            await security.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            authority?.Dispose();
            frontProxy?.Dispose();
            requestHeader?.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        Log.Listening(logger, options.ClusterName, url, objects);
        availability?.Start();
        var cluster = new SimulatedCluster(app, url, options, store, authority, security, faults, controller, logger)
        {
            _frontProxy = frontProxy,
            _requestHeader = requestHeader,
            _serverNames = serverNames,
            _availability = availability,
        };
        started = cluster;
        if (options.ChurnPerSecond > 0)
        {
            cluster.StartChurn(options.ChurnPerSecond);
        }

        return cluster;
    }

    /// <summary>Writes made by background churn so far.</summary>
    public long ChurnOperations
    {
        get
        {
            lock (_churnLock)
            {
                return _churnOperations + (_churn?.Operations ?? 0);
            }
        }
    }

    /// <summary>
    /// Starts background churn, or changes its rate: <paramref name="updatesPerSecond"/> writes a second, mostly pod and
    /// ConfigMap updates, some ConfigMap creations and deletions and a few pod deletions the controller repairs.
    /// </summary>
    public void StartChurn(double updatesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(updatesPerSecond);
        lock (_churnLock)
        {
            if (_churn is null)
            {
                _churn = new ChurnGenerator(Store, Options.TimeProvider, _logger, updatesPerSecond, Options.Seed);
                _churn.Start();
            }
            else
            {
                _churn.PerSecond = updatesPerSecond;
            }
        }

        Log.ChurnStarted(_logger, Options.ClusterName, updatesPerSecond);
    }

    /// <summary>Stops background churn; completes once no more churn writes happen.</summary>
    public async Task StopChurnAsync()
    {
        ChurnGenerator? churn;
        lock (_churnLock)
        {
            churn = _churn;
            _churn = null;
        }

        if (churn is not null)
        {
            await churn.DisposeAsync().ConfigureAwait(false);
            lock (_churnLock)
            {
                _churnOperations += churn.Operations;
            }
        }
    }

    /// <summary>
    /// Mints a client certificate signed by the cluster CA (TLS only). The user is the CN, the groups the O entries;
    /// the default is an administrator, like kubeadm's admin.conf.
    /// </summary>
    public (string CertificatePem, string KeyPem) IssueClientCertificate(string user = "kubernetes-admin", params string[] groups)
    {
        var authority = _authority ?? throw new InvalidOperationException("Client certificates need a cluster started with Tls = true.");
        return authority.IssueClient(user, groups.Length == 0 ? ["system:masters"] : groups);
    }

    /// <summary>
    /// A kubeconfig for this cluster: the CA when TLS is on, and the token, or a fresh client certificate when TLS is on
    /// and there is no token.
    /// </summary>
    public string CreateKubeconfig(string name = "")
    {
        name = name.Length == 0 ? Options.ClusterName : name;
        var server = Url.ToString().TrimEnd('/');
        var clusterLines = CaCertificatePem is null
            ? $"    server: {server}"
            : $"    server: {server}\n    certificate-authority-data: {Base64(CaCertificatePem)}";
        string userLines;
        if (Token is not null)
        {
            userLines = $"    token: {Token}";
        }
        else if (_authority is not null)
        {
            var (certificate, key) = IssueClientCertificate();
            userLines = $"    client-certificate-data: {Base64(certificate)}\n    client-key-data: {Base64(key)}";
        }
        else
        {
            userLines = "    {}";
        }

        return $"apiVersion: v1\nkind: Config\nclusters:\n- name: {name}\n  cluster:\n{clusterLines}\nusers:\n- name: {name}\n  user:\n{userLines}\ncontexts:\n- name: {name}\n  context:\n    cluster: {name}\n    user: {name}\ncurrent-context: {name}\n";

        static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
    }

    public async ValueTask DisposeAsync()
    {
        await StopChurnAsync().ConfigureAwait(false);
        if (_availability is not null)
        {
            await _availability.DisposeAsync().ConfigureAwait(false);
        }

        Store.DropWatches();
        await _controller.DisposeAsync().ConfigureAwait(false);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _security.DisposeAsync().ConfigureAwait(false);
        _authority?.Dispose();
        _frontProxy?.Dispose();
        _requestHeader?.Dispose();
    }
}
