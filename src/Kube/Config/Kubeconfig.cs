using Clusterpedia.Kube.Client;
using YamlDotNet.RepresentationModel;

namespace Clusterpedia.Kube.Config;

/// <summary>
/// A parsed kubeconfig (clusters, users, contexts) that resolves one context to <see cref="KubeClientOptions"/>,
/// reading referenced files (CA, client certificate and key, tokenFile) relative to the kubeconfig's directory.
/// </summary>
public sealed class Kubeconfig
{
    private readonly Dictionary<string, YamlMappingNode> _clusters;
    private readonly Dictionary<string, YamlMappingNode> _users;
    private readonly Dictionary<string, YamlMappingNode> _contexts;

    private Kubeconfig(
        Dictionary<string, YamlMappingNode> clusters,
        Dictionary<string, YamlMappingNode> users,
        Dictionary<string, YamlMappingNode> contexts,
        string? currentContext,
        string? baseDirectory)
    {
        _clusters = clusters;
        _users = users;
        _contexts = contexts;
        CurrentContext = currentContext;
        BaseDirectory = baseDirectory;
        AllowFileReferences = baseDirectory is not null;
    }

    public string? CurrentContext { get; }

    /// <summary>Directory that relative file paths are resolved against (the kubeconfig's own directory).</summary>
    public string? BaseDirectory { get; }

    /// <summary>
    /// Whether a user's <c>exec</c> credential plugin may run. <see cref="Parse"/> gives
    /// <see cref="ExecPluginPolicy.Disallowed"/> (text from elsewhere, e.g. a PediaCluster's spec.kubeconfig);
    /// <see cref="LoadFileAsync"/> gives <see cref="ExecPluginPolicy.AllowAll"/> (a file the operator chose).
    /// </summary>
    public ExecPluginPolicy ExecPlugins { get; set; } = ExecPluginPolicy.Disallowed;

    /// <summary>
    /// Whether the kubeconfig may read files of this machine (tokenFile, certificate-authority, client-certificate,
    /// client-key). True for a kubeconfig with a directory of its own (<see cref="LoadFileAsync"/>, or
    /// <see cref="Parse"/> given one); false for text without one, such as a PediaCluster's spec.kubeconfig: it comes
    /// from an API user, and a path there would send a file of the server (its own ServiceAccount token, a key) as a
    /// credential to a server that user chose.
    /// </summary>
    public bool AllowFileReferences { get; set; }

    /// <summary>
    /// Files a kubeconfig without <see cref="AllowFileReferences"/> may still read: absolute paths the operator named
    /// (e.g. a projected, rotated token for a member cluster). A reference matches only when its full path (with
    /// <c>.</c> and <c>..</c> resolved) is one of these.
    /// </summary>
    public IReadOnlySet<string> AllowedFiles { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Clock of the token sources (exec plugin expiry, token file re-reads).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public IReadOnlyCollection<string> ContextNames => _contexts.Keys;

    public IReadOnlyCollection<string> ClusterNames => _clusters.Keys;

    /// <exception cref="FormatException">The text is not a kubeconfig.</exception>
    public static Kubeconfig Parse(string yaml, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"kubeconfig is not valid YAML: {e.Message}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException("kubeconfig must be a YAML mapping");
        }

        return new Kubeconfig(
            NamedEntries(root, "clusters", "cluster"),
            NamedEntries(root, "users", "user"),
            NamedEntries(root, "contexts", "context"),
            Scalar(root, "current-context"),
            baseDirectory);
    }

    public static async Task<Kubeconfig> LoadFileAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var text = await File.ReadAllTextAsync(full, cancellationToken).ConfigureAwait(false);
        var config = Parse(text, Path.GetDirectoryName(full));
        config.ExecPlugins = ExecPluginPolicy.AllowAll;
        return config;
    }

    /// <summary>Options for <paramref name="context"/> (the current context when null).</summary>
    /// <exception cref="FormatException">The context, its cluster or its user is missing or incomplete.</exception>
    public async Task<KubeClientOptions> ToOptionsAsync(string? context, CancellationToken cancellationToken)
    {
        var contextName = context ?? CurrentContext
            ?? throw new FormatException("kubeconfig has no current-context and no context was given");
        if (!_contexts.TryGetValue(contextName, out var ctx))
        {
            throw new FormatException($"context \"{contextName}\" not found in kubeconfig");
        }

        var clusterName = Scalar(ctx, "cluster") ?? throw new FormatException($"context \"{contextName}\" names no cluster");
        if (!_clusters.TryGetValue(clusterName, out var cluster))
        {
            throw new FormatException($"cluster \"{clusterName}\" not found in kubeconfig");
        }

        var userName = Scalar(ctx, "user");
        YamlMappingNode? user = null;
        if (!string.IsNullOrEmpty(userName) && !_users.TryGetValue(userName, out user))
        {
            throw new FormatException($"user \"{userName}\" not found in kubeconfig");
        }

        return await ToOptionsAsync(clusterName, cluster, user, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Options for a cluster entry with no user (e.g. to probe a server), by cluster name.</summary>
    public Task<KubeClientOptions> ClusterOptionsAsync(string clusterName, CancellationToken cancellationToken) =>
        _clusters.TryGetValue(clusterName, out var cluster)
            ? ToOptionsAsync(clusterName, cluster, null, cancellationToken)
            : throw new FormatException($"cluster \"{clusterName}\" not found in kubeconfig");

    private async Task<KubeClientOptions> ToOptionsAsync(
        string clusterName, YamlMappingNode cluster, YamlMappingNode? user, CancellationToken cancellationToken)
    {
        var server = Scalar(cluster, "server");
        if (string.IsNullOrWhiteSpace(server) || !Uri.TryCreate(server, UriKind.Absolute, out var serverUri))
        {
            throw new FormatException($"cluster \"{clusterName}\" has no valid server URL");
        }

        var ca = await DataOrFileAsync(cluster, "certificate-authority-data", "certificate-authority", cancellationToken).ConfigureAwait(false);
        string? token = null, cert = null, key = null;
        IBearerTokenSource? tokenSource = null;
        var insecure = string.Equals(Scalar(cluster, "insecure-skip-tls-verify"), "true", StringComparison.OrdinalIgnoreCase);
        if (user is not null)
        {
            token = Scalar(user, "token");
            var tokenFile = Scalar(user, "tokenFile");
            if (string.IsNullOrEmpty(token) && !string.IsNullOrEmpty(tokenFile))
            {
                // Read now, so a missing file fails here, and again whenever it is rotated.
                var file = new FileTokenSource(Resolve(RequireFileReferences("user: tokenFile", "token", tokenFile)), TimeProvider);
                await file.GetTokenAsync(cancellationToken).ConfigureAwait(false);
                tokenSource = file;
            }

            if (user.Children.ContainsKey(new YamlScalarNode("exec")) && user.Children.ContainsKey(new YamlScalarNode("auth-provider")))
            {
                // As client-go's validation: the two ways of getting a token exclude each other.
                throw new FormatException("user: exec and auth-provider are mutually exclusive; keep one");
            }

            if (string.IsNullOrEmpty(token) && user.Children.TryGetValue(new YamlScalarNode("exec"), out var execNode))
            {
                var info = new ExecClusterInfo(server, Scalar(cluster, "tls-server-name"), insecure, ca, Scalar(cluster, "proxy-url"));
                tokenSource = ExecSource(execNode as YamlMappingNode ?? throw new FormatException("user's exec must be a mapping"), info);
            }

            if (string.IsNullOrEmpty(token) && tokenSource is null && user.Children.TryGetValue(new YamlScalarNode("auth-provider"), out var providerNode))
            {
                tokenSource = await AuthProviderSourceAsync(providerNode as YamlMappingNode ?? throw new FormatException("user: auth-provider must be a mapping"), cancellationToken).ConfigureAwait(false);
            }

            cert = await DataOrFileAsync(user, "client-certificate-data", "client-certificate", cancellationToken).ConfigureAwait(false);
            key = await DataOrFileAsync(user, "client-key-data", "client-key", cancellationToken).ConfigureAwait(false);
        }

        return new KubeClientOptions
        {
            Server = serverUri,
            CertificateAuthorityPem = ca,
            InsecureSkipTlsVerify = insecure,
            TlsServerName = Scalar(cluster, "tls-server-name"),
            ProxyUrl = ProxyUrl(clusterName, cluster),
            BearerToken = string.IsNullOrEmpty(token) ? null : token,
            BearerTokenSource = tokenSource,
            ClientCertificatePem = cert,
            ClientKeyPem = key,
        };
    }

    // client-go accepts http, https and socks5 proxies.
    private static Uri? ProxyUrl(string clusterName, YamlMappingNode cluster)
    {
        var text = Scalar(cluster, "proxy-url");
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out var proxy) && proxy.Scheme is "http" or "https" or "socks5" && proxy.Host.Length > 0
            ? proxy
            : throw new FormatException($"cluster \"{clusterName}\": proxy-url must be an http, https or socks5 URL");
    }

    // client-go's in-tree auth-providers: oidc remains; gcp and azure were removed in Kubernetes 1.26 for exec plugins.
    private async Task<IBearerTokenSource> AuthProviderSourceAsync(YamlMappingNode provider, CancellationToken cancellationToken)
    {
        var name = Scalar(provider, "name");
        switch (name)
        {
            case "oidc":
                break;
            case "gcp":
                throw new FormatException("user: auth-provider gcp was removed from Kubernetes clients in 1.26; use the exec credential plugin gke-gcloud-auth-plugin instead (user: exec: command: gke-gcloud-auth-plugin)");
            case "azure":
                throw new FormatException("user: auth-provider azure was removed from Kubernetes clients in 1.26; use the exec credential plugin kubelogin instead (kubelogin convert-kubeconfig writes the exec user)");
            default:
                throw new FormatException($"user: auth-provider \"{name}\" is not supported; oidc is, and an exec credential plugin serves other identity providers");
        }

        var config = provider.Children.TryGetValue(new YamlScalarNode("config"), out var configNode) && configNode is YamlMappingNode map
            ? map
            : new YamlMappingNode();
        var issuer = Scalar(config, "idp-issuer-url");
        if (string.IsNullOrWhiteSpace(issuer) || !Uri.TryCreate(issuer, UriKind.Absolute, out var issuerUrl) || issuerUrl.Scheme is not ("https" or "http"))
        {
            throw new FormatException("user: auth-provider oidc: config.idp-issuer-url must be an http(s) URL");
        }

        var clientId = Scalar(config, "client-id");
        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw new FormatException("user: auth-provider oidc: config.client-id is required");
        }

        var ca = await DataOrFileAsync(config, "idp-certificate-authority-data", "idp-certificate-authority", cancellationToken).ConfigureAwait(false);
        return new OidcTokenSource(
            new OidcProviderConfig(issuerUrl, clientId, Scalar(config, "client-secret"), Scalar(config, "id-token"), Scalar(config, "refresh-token"), ca),
            TimeProvider);
    }

    private ExecCredentialSource ExecSource(YamlMappingNode exec, ExecClusterInfo cluster)
    {
        if (!ExecPlugins.Allowed)
        {
            throw new FormatException("user: exec credential plugins are not allowed in this kubeconfig (a plugin is a command the server would run)");
        }

        var command = Scalar(exec, "command");
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new FormatException("user: exec.command is required");
        }

        // As client-go: a relative command with a directory part is relative to the kubeconfig's directory.
        if (!Path.IsPathRooted(command) && command.Contains('/', StringComparison.Ordinal))
        {
            command = Resolve(command);
        }

        if (ExecPlugins.AllowedCommands.Count > 0 && !ExecPlugins.AllowedCommands.Contains(FullCommandPath(command), StringComparer.Ordinal))
        {
            throw new FormatException($"user: exec.command {command} is not one of the allowed plugin commands");
        }

        var apiVersion = Scalar(exec, "apiVersion");
        if (apiVersion is not ("client.authentication.k8s.io/v1" or "client.authentication.k8s.io/v1beta1"))
        {
            throw new FormatException($"user: exec.apiVersion \"{apiVersion}\" is not client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1");
        }

        // v1 requires interactiveMode; v1beta1 defaults it to IfAvailable.
        var interactive = Scalar(exec, "interactiveMode");
        if (string.IsNullOrEmpty(interactive))
        {
            interactive = apiVersion.EndsWith("/v1", StringComparison.Ordinal)
                ? throw new FormatException("user: exec.interactiveMode is required with client.authentication.k8s.io/v1 (Never, IfAvailable or Always)")
                : "IfAvailable";
        }
        else if (interactive is not ("Never" or "IfAvailable" or "Always"))
        {
            throw new FormatException($"user: exec.interactiveMode \"{interactive}\" is not Never, IfAvailable or Always");
        }

        var args = exec.Children.TryGetValue(new YamlScalarNode("args"), out var argsNode) && argsNode is YamlSequenceNode argList
            ? argList.OfType<YamlScalarNode>().Select(a => a.Value ?? "").ToList()
            : [];
        var env = new List<KeyValuePair<string, string>>();
        if (exec.Children.TryGetValue(new YamlScalarNode("env"), out var envNode) && envNode is YamlSequenceNode envList)
        {
            foreach (var item in envList.OfType<YamlMappingNode>())
            {
                var name = Scalar(item, "name") ?? throw new FormatException("user: every exec.env item needs a name");
                env.Add(new(name, Scalar(item, "value") ?? ""));
            }
        }

        var provide = string.Equals(Scalar(exec, "provideClusterInfo"), "true", StringComparison.OrdinalIgnoreCase);
        return new ExecCredentialSource(new ExecCredentialConfig(command, args, env, apiVersion, interactive, provide, cluster), ExecPlugins, TimeProvider);
    }

    // The absolute path a command runs from: as given when it has a directory part, else the first match on PATH.
    private static string FullCommandPath(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return Path.GetFullPath(command);
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return command;
    }

    // "-data" (base64) wins over the file path, as in client-go.
    private async Task<string?> DataOrFileAsync(YamlMappingNode node, string dataKey, string fileKey, CancellationToken cancellationToken)
    {
        var data = Scalar(node, dataKey);
        if (!string.IsNullOrWhiteSpace(data))
        {
            try
            {
                return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data.Trim()));
            }
            catch (FormatException e)
            {
                throw new FormatException($"{dataKey} is not valid base64", e);
            }
        }

        var file = Scalar(node, fileKey);
        return string.IsNullOrWhiteSpace(file)
            ? null
            : await File.ReadAllTextAsync(Resolve(RequireFileReferences(fileKey, dataKey, file)), cancellationToken).ConfigureAwait(false);
    }

    private string RequireFileReferences(string field, string inline, string path) =>
        AllowFileReferences || (Path.IsPathFullyQualified(path) && AllowedFiles.Contains(Path.GetFullPath(path)))
            ? path
            : throw new FormatException($"{field}: this kubeconfig may not read files of the server; give the value inline in {inline}");

    private string Resolve(string path) =>
        Path.IsPathRooted(path) || BaseDirectory is null ? path : Path.Combine(BaseDirectory, path);

    private static Dictionary<string, YamlMappingNode> NamedEntries(YamlMappingNode root, string listKey, string entryKey)
    {
        var result = new Dictionary<string, YamlMappingNode>(StringComparer.Ordinal);
        if (!root.Children.TryGetValue(new YamlScalarNode(listKey), out var list) || list is not YamlSequenceNode sequence)
        {
            return result;
        }

        foreach (var item in sequence)
        {
            if (item is YamlMappingNode entry && Scalar(entry, "name") is { } name
                && entry.Children.TryGetValue(new YamlScalarNode(entryKey), out var body))
            {
                result[name] = body as YamlMappingNode ?? new YamlMappingNode();
            }
        }

        return result;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar
            ? scalar.Value
            : null;
}
