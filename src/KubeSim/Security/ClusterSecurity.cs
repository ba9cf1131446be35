using Clusterpedia.KubeSim.Rbac;

namespace Clusterpedia.KubeSim.Security;

/// <summary>
/// Everything that decides who a request is and what it may do, made once per cluster from the options: the
/// authentication chain, the authorizer (RBAC with its bootstrap policy and aggregation controller, or AlwaysAllow)
/// and the ServiceAccount token issuer.
/// </summary>
internal sealed class ClusterSecurity : IAsyncDisposable
{
    private readonly AggregationController? _aggregation;

    private ClusterSecurity(Authenticator authenticator, Authorizer authorizer, ServiceAccountTokens serviceAccountTokens, AggregationController? aggregation)
    {
        Authenticator = authenticator;
        Authorizer = authorizer;
        ServiceAccountTokens = serviceAccountTokens;
        _aggregation = aggregation;
    }

    public Authenticator Authenticator { get; }

    public Authorizer Authorizer { get; }

    public ServiceAccountTokens ServiceAccountTokens { get; }

    public static ClusterSecurity Create(
        SimulatorOptions options, SimulatorStore store, CertificateAuthority? authority, RequestHeaderAuthenticator? requestHeader, ILogger logger)
    {
        var serviceAccountTokens = new ServiceAccountTokens(store, options.TimeProvider);
        var staticTokens = StaticTokenAuthenticator.FromOptions(options);
        var chain = new List<IRequestAuthenticator>();
        if (authority is not null)
        {
            chain.Add(new ClientCertificateAuthenticator(authority));
        }

        // The front proxy's request-header authenticator (when this cluster is an aggregated backend), before the bearer tokens.
        if (requestHeader is not null)
        {
            chain.Add(requestHeader);
        }

        if (!staticTokens.IsEmpty)
        {
            chain.Add(staticTokens);
        }

        if (chain.Count > 0)
        {
            // ServiceAccount tokens are a way in only where authentication is on at all.
            chain.Add(serviceAccountTokens);
        }

        var anonymousEverywhere = options.AllowAnonymous;
        var authenticator = new Authenticator(chain, path => anonymousEverywhere || (options.AnonymousHealthAndVersion && IsPublic(path)));
        var mode = options.AuthorizationMode;
        if (mode == AuthorizationMode.Default)
        {
            mode = chain.Count > 0 && !options.AllowAnonymous ? AuthorizationMode.Rbac : AuthorizationMode.AlwaysAllow;
        }

        AggregationController? aggregation = null;
        RbacPolicy? policy = null;
        if (mode == AuthorizationMode.Rbac)
        {
            BootstrapPolicy.Create(store);
            aggregation = new AggregationController(store, logger);
            aggregation.Start();
            policy = new RbacPolicy(store);
        }

        return new ClusterSecurity(authenticator, new Authorizer(policy), serviceAccountTokens, aggregation);
    }

    /// <summary>The endpoints kubeadm clusters answer without credentials (anonymous auth limited to them).</summary>
    public static bool IsPublic(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed is "/healthz" or "/livez" or "/readyz" or "/version"
            || trimmed.StartsWith("/healthz/", StringComparison.Ordinal)
            || trimmed.StartsWith("/livez/", StringComparison.Ordinal)
            || trimmed.StartsWith("/readyz/", StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (_aggregation is not null)
        {
            await _aggregation.DisposeAsync().ConfigureAwait(false);
        }

        ServiceAccountTokens.Dispose();
    }
}
