using Clusterpedia.ClusterSynchro.Hosted;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Wires serving (HTTPS with a reloadable or generated certificate, client certificates requested), authentication and
/// authorization into the server, from the <c>Security</c> section and kube-style flags (see docs/security.md).
/// </summary>
internal static class SecuritySetup
{
    public const string DefaultUrl = "https://0.0.0.0:8443";

    /// <summary>kube-style flags, mapped onto the Security section.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Switches { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--insecure-http"] = "Security:InsecureHttp",
        ["--insecure-skip-auth"] = "Security:InsecureSkipAuth",
        ["--tls-cert-file"] = "Security:TlsCertFile",
        ["--tls-private-key-file"] = "Security:TlsPrivateKeyFile",
        ["--cert-dir"] = "Security:CertDir",
        ["--client-ca-file"] = "Security:ClientCaFile",
        ["--token-auth-file"] = "Security:TokenAuthFile",
        ["--requestheader-client-ca-file"] = "Security:RequestHeaderClientCaFile",
        ["--requestheader-allowed-names"] = "Security:RequestHeaderAllowedNames",
        ["--requestheader-username-headers"] = "Security:RequestHeaderUsernameHeaders",
        ["--requestheader-group-headers"] = "Security:RequestHeaderGroupHeaders",
        ["--requestheader-extra-headers-prefix"] = "Security:RequestHeaderExtraHeadersPrefix",
    };

    private static readonly string[] _booleanFlags = ["--insecure-http", "--insecure-skip-auth", "--host-in-cluster"];

    /// <summary>A bare boolean flag (<c>--insecure-http</c>) means true; the configuration reader would take the next argument as its value.</summary>
    public static string[] NormalizeFlags(string[] args) =>
        [.. args.Select(a => _booleanFlags.Contains(a, StringComparer.Ordinal) ? a + "=true" : a)];

    /// <summary>Serving and the services of authentication and authorization; every role (a synchro-only process's /metrics is protected too).</summary>
    public static void AddServerSecurity(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SecurityOptions.Section);
        builder.Services.AddOptions<SecurityOptions>().Bind(section);
        var options = section.Get<SecurityOptions>() ?? new SecurityOptions();
        ConfigureServing(builder, options);
        if (options.InsecureSkipAuth)
        {
            builder.Services.AddSingleton<IAccessReviewer, AllowAllAccessReviewer>();
            return;
        }

        var host = HostOptions(builder);
        var hosted = host.Enabled;
        if (hosted)
        {
            builder.Services.TryAddSingleton(sp => new HostApi(host, sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddSingleton<IAccessReviewer, HostAccessReviewer>();
        }
        else
        {
            builder.Services.AddSingleton<IAccessReviewer, StaticPolicyReviewer>();
        }

        if (!string.IsNullOrEmpty(options.TokenAuthFile))
        {
            var users = TokenFile.Load(options.TokenAuthFile);
            builder.Services.AddSingleton<ITokenAuthenticator>(new StaticTokenAuthenticator(users));
        }
        else if (hosted)
        {
            builder.Services.AddSingleton<ITokenAuthenticator, TokenReviewAuthenticator>();
        }

        builder.Services.AddSingleton(sp => new AuthenticationConfigSource(
            sp.GetRequiredService<IOptions<SecurityOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AuthenticationConfigSource>>(), sp.GetService<HostApi>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuthenticationConfigSource>());
        builder.Services.AddSingleton(sp => new RequestAuthenticator(sp.GetRequiredService<AuthenticationConfigSource>(), sp.GetService<ITokenAuthenticator>()));
    }

    /// <summary>
    /// Hosted mode as the synchro reads it (the Synchro section): whether it is on, and how the host is reached. Only
    /// these keys are read, so that a wrong value elsewhere in the section is reported by the configuration check.
    /// </summary>
    internal static HostClusterOptions HostOptions(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Synchro");
        var host = new HostClusterOptions
        {
            HostKubeconfig = section[nameof(HostClusterOptions.HostKubeconfig)],
            HostContext = section[nameof(HostClusterOptions.HostContext)],
            HostInCluster = bool.TryParse(section[nameof(HostClusterOptions.HostInCluster)], out var inCluster) && inCluster,
        };
        if (section[nameof(HostClusterOptions.InClusterDirectory)] is { Length: > 0 } directory)
        {
            host.InClusterDirectory = directory;
        }

        return host;
    }

    /// <summary>Authentication and authorization, after the Status writer (so a 401/403 is a Status) and before routing's handlers.</summary>
    public static void UseServerSecurity(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Clusterpedia.ApiServer.Security");
        if (options.InsecureHttp)
        {
            SecurityLog.InsecureHttp(logger);
        }

        if (options.InsecureSkipAuth)
        {
            SecurityLog.InsecureSkipAuth(logger);
            return;
        }

        app.UseMiddleware<SecurityMiddleware>();
    }

    private static void ConfigureServing(WebApplicationBuilder builder, SecurityOptions options)
    {
        var urls = builder.Configuration["urls"];
        if (string.IsNullOrWhiteSpace(urls))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        else if (!options.InsecureHttp && urls.Split(';').FirstOrDefault(u => u.Trim().StartsWith("http://", StringComparison.OrdinalIgnoreCase)) is { } plain)
        {
            throw new InvalidOperationException($"--urls {plain.Trim()}: plain HTTP is served only with --insecure-http (local experiments); use https://");
        }

        // The Kestrel certificate settings the server took before the TLS flags existed still work.
        if (string.IsNullOrEmpty(options.TlsCertFile) && builder.Configuration["Kestrel:Certificates:Default:Path"] is { Length: > 0 } legacyCert)
        {
            options.TlsCertFile = legacyCert;
            options.TlsPrivateKeyFile = builder.Configuration["Kestrel:Certificates:Default:KeyPath"];
        }

        var certDir = options.CertDir is { Length: > 0 } dir ? dir : Path.Combine(DataDirectory(builder.Configuration), "certs");
        InstallSetup.AddInstallBootstrap(builder, options, certDir);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            var services = kestrel.ApplicationServices;
            var certificate = ServingCertificate.Create(options, certDir, services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger("Clusterpedia.ApiServer.Security"));
            https.ServerCertificateSelector = (_, _) => certificate.Current;
            // Client certificates are asked for and checked by authentication (client CA, front-proxy CA), not by TLS.
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.ClientCertificateValidation = (_, _, _) => true;
            https.CheckCertificateRevocation = false;
        }));
    }

    /// <summary>The SQLite database's directory (the server's data), else the working directory.</summary>
    private static string DataDirectory(ConfigurationManager configuration)
    {
        var connection = configuration["Storage:ConnectionString"] ?? "";
        foreach (var part in connection.Split(';'))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length == 2 && kv[0].Equals("Data Source", StringComparison.OrdinalIgnoreCase) && kv[1].Length > 0 && !kv[1].StartsWith(':'))
            {
                return Path.GetDirectoryName(Path.GetFullPath(kv[1])) ?? Directory.GetCurrentDirectory();
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
