namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// The server as it runs by default in standalone mode: HTTPS with the self-signed pair it generates, a static token
/// file with an administrator (system:masters) and a viewer, and the static policy.
/// </summary>
public sealed class StandaloneServer : IAsyncLifetime
{
    public const string AdminToken = "admin-token-123";
    public const string ViewerToken = "viewer-token-456";

    private readonly TempDirectory _dir = new("clusterpedia-sec-");
    private InProcessServer? _server;

    public InProcessServer Server => _server!;

    public Uri Url => Server.Url;

    /// <summary>The generated certificate file: the serving certificate, then its CA.</summary>
    public string CertificatePem { get; private set; } = "";

    public string Directory => _dir.Path;

    public HttpClient Http { get; private set; } = null!;

    public string TokenFile => _dir.File("tokens.csv");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(TokenFile, $"""
            # token,user,uid,"groups"
            {AdminToken},admin,uid-admin,"system:masters"
            {ViewerToken},viewer,uid-viewer,"viewers,others"
            """);
        _server = await InProcessServer.StartSecureAsync(_dir.Path, "--token-auth-file", TokenFile);
        CertificatePem = await File.ReadAllTextAsync(Path.Combine(_dir.Path, "certs", "apiserver.crt"));
        Http = TrustingHttp.Create(CertificatePem);
    }

    /// <summary>A kubeconfig for the server with the given token (none: no credentials).</summary>
    public async Task<Kubectl> KubectlAsync(string? token, string binary = Kubectl.Newest)
    {
        var path = _dir.File($"kubeconfig-{token ?? "none"}");
        var ca = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(CertificatePem));
        var user = token is null ? "{}" : $"{{token: \"{token}\"}}";
        await File.WriteAllTextAsync(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: direct
              cluster: {server: "{{Url.ToString().TrimEnd('/')}}", certificate-authority-data: "{{ca}}"}
            - name: clusterpedia
              cluster: {server: "{{Url.ToString().TrimEnd('/')}}/apis/clusterpedia.io/v1beta1/resources", certificate-authority-data: "{{ca}}"}
            users:
            - name: u
              user: {{user}}
            contexts:
            - name: direct
              context: {cluster: direct, user: u}
            current-context: direct
            """);
        return new Kubectl(binary, path);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _dir.Delete();
    }
}
