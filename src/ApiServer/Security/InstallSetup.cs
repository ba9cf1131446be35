using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Wires the <see cref="InstallOptions"/>: with <c>Install:CertSecret</c> and no --tls-cert-file, the server serves the
/// pair kept in that Secret of the host (<see cref="ServingSecretBootstrap"/>) and publishes its CA to the APIService
/// and webhook configurations named (<see cref="CaBundlePublisher"/>).
/// </summary>
internal static class InstallSetup
{
    private const string _defaultNamespace = "clusterpedia-system";

    public static void AddInstallBootstrap(WebApplicationBuilder builder, SecurityOptions options, string certDir)
    {
        var section = builder.Configuration.GetSection(InstallOptions.Section);
        builder.Services.AddOptions<InstallOptions>().Bind(section);
        var install = section.Get<InstallOptions>() ?? new InstallOptions();
        if (install.CertSecret.Length == 0)
        {
            if (install.ApiService.Length > 0 || install.WebhookConfiguration.Length > 0)
            {
                throw new InvalidOperationException(
                    $"{InstallOptions.Section}:{nameof(InstallOptions.ApiService)} and {InstallOptions.Section}:{nameof(InstallOptions.WebhookConfiguration)} publish the CA of the serving certificate kept in {InstallOptions.Section}:{nameof(InstallOptions.CertSecret)}: set it too");
            }

            return;
        }

        if (!string.IsNullOrEmpty(options.TlsCertFile) || options.InsecureHttp)
        {
            // A certificate given on the command line (or no TLS at all) wins: the Secret is not used.
            return;
        }

        var host = SecuritySetup.HostOptions(builder);
        if (!host.Enabled)
        {
            throw new InvalidOperationException(
                $"{InstallOptions.Section}:{nameof(InstallOptions.CertSecret)} keeps the serving certificate in the host cluster: it needs hosted mode (--host-kubeconfig or --host-in-cluster)");
        }

        var ns = builder.Configuration["POD_NAMESPACE"] is { Length: > 0 } pod ? pod
            : builder.Configuration["Synchro:SecretNamespace"] is { Length: > 0 } secrets ? secrets
            : _defaultNamespace;
        var paths = new InstallPaths(ns, Path.Combine(certDir, "install", "tls.crt"), Path.Combine(certDir, "install", "tls.key"));
        options.TlsCertFile = paths.CertFile;
        options.TlsPrivateKeyFile = paths.KeyFile;

        builder.Services.TryAddSingleton(sp => new HostApi(host, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(paths);
        builder.Services.AddSingleton<ServingCa>();
        // Hosted services start before Kestrel binds and reads the files the bootstrap writes.
        builder.Services.AddHostedService<ServingSecretBootstrap>();
        if (install.ApiService.Length > 0 || install.WebhookConfiguration.Length > 0)
        {
            builder.Services.AddHostedService<CaBundlePublisher>();
        }
    }
}
