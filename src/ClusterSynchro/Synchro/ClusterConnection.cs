using System.Text;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.Kube.Client;
using Clusterpedia.Kube.Config;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Builds client options from a PediaCluster's credentials: <c>spec.kubeconfig</c> (base64) when set, else apiserver
/// with base64 CA, token, client certificate and key (inline, or read from Secrets by <see cref="AuthenticationFromResolver"/>). Every problem is an <see cref="InvalidSpecException"/> naming the field.
/// </summary>
internal static class ClusterConnection
{
    /// <summary>The options, after <paramref name="targets"/> allowed their server: every connection stays within the policy.</summary>
    /// <remarks><paramref name="credentialFiles"/>: the files a spec.kubeconfig may read (<see cref="SynchroOptions.CredentialFiles"/>).</remarks>
    public static async Task<KubeClientOptions> CreateAsync(
        PediaClusterSpec spec, OutboundTargetPolicy targets, ExecPluginPolicy exec, CancellationToken ct, IReadOnlyCollection<string>? credentialFiles = null)
    {
        var options = await CreateAsync(spec, exec, credentialFiles ?? [], ct).ConfigureAwait(false);
        var field = spec.Kubeconfig is not null ? "spec.kubeconfig: server" : "spec.apiserver";
        var allow = await targets.CheckAsync(field, options.Server, ct).ConfigureAwait(false);

        // An oidc user's issuer is a target the spec chose too: its connections (discovery and token endpoint) pass
        // the same policy.
        if (options.BearerTokenSource is OidcTokenSource oidc)
        {
            oidc.AllowAddress = await targets.CheckAsync("spec.kubeconfig: auth-provider oidc idp-issuer-url", oidc.IssuerUrl, ct).ConfigureAwait(false);
        }

        // Through a proxy, the proxy is the only address we connect to: the per-connection check guards it, while the
        // member's own address is checked above, once, as this machine resolves it (the proxy resolves it itself).
        if (options.ProxyUrl is { } proxy)
        {
            allow = await targets.CheckAsync("spec.kubeconfig: proxy-url", proxy, ct).ConfigureAwait(false);
        }

        return options.WithAllowAddress(allow);
    }

    /// <summary>What <see cref="SynchroOptions.ExecPluginCommands"/> allows a PediaCluster's kubeconfig.</summary>
    public static ExecPluginPolicy ExecPolicy(SynchroOptions options) => new()
    {
        Allowed = options.ExecPluginCommands.Count > 0,
        AllowedCommands = [.. options.ExecPluginCommands],
        Timeout = options.ExecPluginTimeout,
    };

    private static async Task<KubeClientOptions> CreateAsync(PediaClusterSpec spec, ExecPluginPolicy exec, IReadOnlyCollection<string> credentialFiles, CancellationToken ct)
    {
        if (spec.AuthenticationError is not null)
        {
            throw new InvalidSpecException(spec.AuthenticationError);
        }

        if (spec.AuthenticationFrom is not null && !spec.AuthenticationResolved)
        {
            throw new InvalidSpecException("spec.authenticationFrom: the credential Secrets were not read");
        }

        if (spec.Kubeconfig is not null)
        {
            return await FromKubeconfigAsync(spec.Kubeconfig, exec, credentialFiles, ct).ConfigureAwait(false);
        }

        if (spec.ApiServer is null)
        {
            throw new InvalidSpecException("spec.apiserver or spec.kubeconfig (or spec.authenticationFrom.kubeconfig) is required");
        }

        if (!Uri.TryCreate(spec.ApiServer, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
        {
            throw new InvalidSpecException($"spec.apiserver \"{spec.ApiServer}\" is not an absolute http(s) URL");
        }

        try
        {
            return KubeClientOptions.FromPediaCluster(spec.ApiServer, spec.CaData, spec.TokenData, spec.CertData, spec.KeyData);
        }
        catch (FormatException e)
        {
            throw new InvalidSpecException("spec." + e.Message, e);
        }
    }

    private static async Task<KubeClientOptions> FromKubeconfigAsync(string base64, ExecPluginPolicy exec, IReadOnlyCollection<string> credentialFiles, CancellationToken ct)
    {
        string yaml;
        try
        {
            yaml = Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
        }
        catch (FormatException e)
        {
            throw new InvalidSpecException("spec.kubeconfig is not valid base64", e);
        }

        try
        {
            // A kubeconfig sent through the API reads no file of the server (tokenFile, certificate-authority,
            // client-certificate, client-key): a path there would send the server's own files (its ServiceAccount
            // token, the encryption key) as credentials to a server the API user chose. Clusterpedia resolves them.
            // Only the files the operator listed (Synchro:CredentialFiles) may be read, e.g. a rotated token.
            var config = Kubeconfig.Parse(yaml);
            config.AllowFileReferences = false;
            config.AllowedFiles = credentialFiles.Where(Path.IsPathFullyQualified).Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
            config.ExecPlugins = exec;
            return await config.ToOptionsAsync(null, ct).ConfigureAwait(false);
        }
        catch (FormatException e) when (!exec.Allowed && e.Message.Contains("exec credential plugins", StringComparison.Ordinal))
        {
            throw new InvalidSpecException($"spec.kubeconfig: {e.Message}; Synchro:ExecPluginCommands lists the plugin commands PediaCluster kubeconfigs may run (docs/security.md)", e);
        }
        catch (FormatException e) when (e.Message.Contains("may not read files of the server", StringComparison.Ordinal))
        {
            throw new InvalidSpecException($"spec.kubeconfig: {e.Message}; Synchro:CredentialFiles lists the files PediaCluster kubeconfigs may read (docs/security.md)", e);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidSpecException("spec.kubeconfig: " + e.Message, e);
        }
    }
}
