using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim;
using Microsoft.Data.Sqlite;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// PediaCluster credentials through the real server and a real simulated member: hidden from callers the reviewer
/// does not let update pediaclusters, never in the last-applied annotation nor in any log record, encrypted in the
/// SQLite row and still usable by the synchro, and readable across a key rotation.
/// </summary>
public sealed class CredentialProtectionTests : IAsyncLifetime
{
    private const string _clusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    private readonly TempDirectory _dir = new("clusterpedia-creds-");
    // The server's certificate is its generated self-signed one; these tests are about credentials, not serving.
    private static readonly HttpClient _http = new(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });

    // The same, authenticated as admin, for waits that read status.
    private static readonly HttpClient _admin = new(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
    {
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", CredentialServer.AdminToken) },
    };
    private SimulatedCluster _member = null!;

    private string TokenBase64 => Convert.ToBase64String(Encoding.UTF8.GetBytes(_member.Token!));

    public async Task InitializeAsync() =>
        _member = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "member", Token = "creds-token-" + Guid.NewGuid().ToString("N"), Seed = 5, Tls = true });

    public async Task DisposeAsync()
    {
        await _member.DisposeAsync();
        _dir.Delete();
    }

    [Fact]
    public async Task Apply_PediaClusterWithToken_TokenNotInLastAppliedNorLogsAndEncryptedInTheRow()
    {
        await using var server = await CredentialServer.StartAsync(_dir.Path);
        var kubeconfig = _dir.File("kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: "{{server.Url.ToString().TrimEnd('/')}}"
                insecure-skip-tls-verify: true
            users:
            - name: u
              user: {token: "{{CredentialServer.AdminToken}}"}
            contexts:
            - name: c
              context:
                cluster: c
                user: u
            current-context: c
            """);
        using var kubectl = new Kubectl(Kubectl.Newest, kubeconfig);
        var manifest = _dir.File("member.yaml");
        await File.WriteAllTextAsync(manifest, Manifest(labels: "{}"));
        await kubectl.OkAsync("apply", "-f", manifest);

        // A second apply computes its patch from the (stripped) annotation, the file and the live object: it works.
        await File.WriteAllTextAsync(manifest, Manifest(labels: "{tier: gold}"));
        await kubectl.OkAsync("apply", "-f", manifest);
        await PediaClusterReadiness.WaitAsync(_admin, server.Url, "member", TimeSpan.FromSeconds(60));

        var live = await GetAsync(server, "/member", user: "admin");
        live["spec"]!["tokenData"]!.GetValue<string>().ShouldBe(TokenBase64);
        live["metadata"]!["labels"]!["tier"]!.GetValue<string>().ShouldBe("gold");
        var lastApplied = live["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!.GetValue<string>();
        lastApplied.ShouldContain("\"tier\":\"gold\"");
        lastApplied.ShouldNotContain(TokenBase64);
        lastApplied.ShouldNotContain("tokenData");

        var row = await RawRowAsync(server.Database, "member");
        row.ShouldNotContain(TokenBase64);
        row.ShouldNotContain(_member.Token!);
        row.ShouldContain("\"tokenData\":\"enc:aesgcm:");

        var logs = server.Logs.Text;
        logs.ShouldNotBeEmpty();
        logs.ShouldNotContain(TokenBase64);
        logs.ShouldNotContain(_member.Token!);
    }

    [Fact]
    public async Task Read_CallerWhoMayNotUpdate_CredentialsAbsentFromGetListTableAndWatch()
    {
        await using var server = await CredentialServer.StartAsync(_dir.Path);
        using (var create = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, _clusters)))
        {
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CredentialServer.AdminToken);
            create.Content = new StringContent(Json(), Encoding.UTF8, "application/json");
            using var created = await _http.SendAsync(create);
            ((int)created.StatusCode).ShouldBe(201, await created.Content.ReadAsStringAsync());
            (await created.Content.ReadAsStringAsync()).ShouldContain(TokenBase64);
        }

        var viewed = await GetAsync(server, "/member", user: "viewer");
        viewed["spec"]!.AsObject().ContainsKey("tokenData").ShouldBeFalse();
        viewed["spec"]!["caData"].ShouldNotBeNull();
        viewed["metadata"]!["annotations"]!["clusterpedia.io/redacted-fields"]!.GetValue<string>().ShouldBe("spec.tokenData");

        foreach (var (path, accept) in new[]
        {
            (_clusters, "application/json"),
            (_clusters, "application/json;as=Table;v=v1;g=meta.k8s.io"),
            (_clusters + "/member", "application/json;as=Table;v=v1;g=meta.k8s.io"),
            ("/apis/clusters.clusterpedia.io/v1alpha1/pediaclusters/member", "application/json"),
            ("/apis/clusters.clusterpedia.io/v1alpha1/pediaclusters", "application/json"),
            (_clusters + "?watch=true&timeoutSeconds=1", "application/json"),
        })
        {
            var body = await SendAsync(server, path, accept, "viewer");
            body.ShouldContain("member", customMessage: path);
            body.ShouldNotContain(TokenBase64, customMessage: path + " " + accept);
        }

        (await SendAsync(server, _clusters + "?watch=true&timeoutSeconds=1", "application/json", "admin")).ShouldContain(TokenBase64);
        (await SendAsync(server, _clusters, "application/json", "admin")).ShouldContain(TokenBase64);
        using var anonymous = await _http.GetAsync(new Uri(server.Url, _clusters));
        ((int)anonymous.StatusCode).ShouldBe(401, "without credentials nothing is served");
    }

    [Theory]
    [InlineData(Kubectl.Newest)]
    [InlineData(Kubectl.Oldest)]
    public async Task Kubectl_ViewerAfterAdminApply_NoCredentialInYamlJsonTableOrLastApplied(string binary)
    {
        await using var server = await CredentialServer.StartAsync(_dir.Path);
        using var admin = new Kubectl(binary, await KubeconfigAsync(server, CredentialServer.AdminToken));
        using var viewer = new Kubectl(binary, await KubeconfigAsync(server, CredentialServer.ViewerToken));
        var manifest = _dir.File("member.yaml");
        await File.WriteAllTextAsync(manifest, Manifest(labels: "{}"));
        await admin.OkAsync("apply", "-f", manifest);
        await PediaClusterReadiness.WaitAsync(_admin, server.Url, "member", TimeSpan.FromSeconds(60));

        var outputs = new[]
        {
            await viewer.OkAsync("get", "pediaclusters", "-o", "yaml"),
            await viewer.OkAsync("get", "pediacluster", "member", "-o", "json"),
            await viewer.OkAsync("get", "pediaclusters", "-o", "wide"),
            await viewer.OkAsync("get", "pediaclusters.v1alpha1.clusters.clusterpedia.io", "member", "-o", "yaml"),
            await viewer.OkAsync("apply", "view-last-applied", "pediacluster", "member", "-o", "json"),
        };

        outputs[0].ShouldContain("clusterpedia.io/redacted-fields");
        foreach (var output in outputs)
        {
            output.ShouldNotContain(TokenBase64);
            output.ShouldNotContain(_member.Token!);
        }

        (await admin.OkAsync("get", "pediacluster", "member", "-o", "yaml")).ShouldContain(TokenBase64, customMessage: "the admin may update, so sees them");
        server.Logs.Text.ShouldNotContain(TokenBase64);
        server.Logs.Text.ShouldNotContain(_member.Token!);
    }

    [Fact]
    public async Task Rotation_NewKeyFirstOldKeyKept_OldRowsReadAndReencryptedOnWrite()
    {
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var database = Path.Combine(_dir.Path, "clusterpedia.db");
        await using (var first = await CredentialServer.StartAsync(_dir.Path, "--Encryption:Keys:0", oldKey))
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, new Uri(first.Url, _clusters)) { Content = new StringContent(Json(), Encoding.UTF8, "application/json") };
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CredentialServer.AdminToken);
            using var created = await _http.SendAsync(create);
            ((int)created.StatusCode).ShouldBe(201);
        }

        (await RawRowAsync(database, "member")).ShouldContain($"enc:aesgcm:{KeyId(oldKey)}:");
        File.Exists(database + ".key").ShouldBeFalse("a configured key means no generated key file");

        await using (var rotated = await CredentialServer.StartAsync(_dir.Path, "--Encryption:Keys:0", newKey, "--Encryption:Keys:1", oldKey))
        {
            (await GetAsync(rotated, "/member", "admin"))["spec"]!["tokenData"]!.GetValue<string>().ShouldBe(TokenBase64);
            await MergePatchAsync(rotated, """{"metadata":{"labels":{"rotated":"yes"}}}""");
            (await RawRowAsync(database, "member")).ShouldContain($"enc:aesgcm:{KeyId(newKey)}:");
        }

        // Plaintext from before encryption (an older server's row) still loads, and is encrypted by the next write.
        await using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync();
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE api_objects SET object = json_set(object, '$.spec.tokenData', $t) WHERE resource = 'pediaclusters.cluster.clusterpedia.io' AND name = 'member'";
            update.Parameters.AddWithValue("$t", TokenBase64);
            (await update.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        await using (var newOnly = await CredentialServer.StartAsync(_dir.Path, "--Encryption:Keys:0", newKey))
        {
            (await GetAsync(newOnly, "/member", "admin"))["spec"]!["tokenData"]!.GetValue<string>().ShouldBe(TokenBase64);
            await MergePatchAsync(newOnly, """{"metadata":{"labels":{"migrated":"yes"}}}""");
            var row = await RawRowAsync(database, "member");
            row.ShouldContain($"enc:aesgcm:{KeyId(newKey)}:");
            row.ShouldNotContain(TokenBase64);
        }
    }

    [Fact]
    public async Task Start_NoKeyConfigured_KeyFileGeneratedOwnerOnlyNextToTheDatabase()
    {
        await using var server = await CredentialServer.StartAsync(_dir.Path);
        var file = server.Database + ".key";
        File.Exists(file).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        server.Logs.Text.ShouldContain(file);
    }

    private async Task<string> KubeconfigAsync(CredentialServer server, string token)
    {
        var path = _dir.File(token + ".kubeconfig");
        await File.WriteAllTextAsync(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster: {server: "{{server.Url.ToString().TrimEnd('/')}}", insecure-skip-tls-verify: true}
            users:
            - name: u
              user: {token: "{{token}}"}
            contexts:
            - name: c
              context: {cluster: c, user: u}
            current-context: c
            """);
        return path;
    }

    private string Manifest(string labels) => $"""
        apiVersion: cluster.clusterpedia.io/v1alpha2
        kind: PediaCluster
        metadata:
          name: member
          labels: {labels}
        spec:
          apiserver: "{_member.Url.ToString().TrimEnd('/')}"
          caData: "{Convert.ToBase64String(Encoding.UTF8.GetBytes(_member.CaCertificatePem!))}"
          tokenData: "{TokenBase64}"
          syncResources:
          - group: ""
            resources: [configmaps]
        """;

    private string Json() => new JsonObject
    {
        ["apiVersion"] = "cluster.clusterpedia.io/v1alpha2",
        ["kind"] = "PediaCluster",
        ["metadata"] = new JsonObject { ["name"] = "member" },
        ["spec"] = new JsonObject
        {
            ["apiserver"] = _member.Url.ToString().TrimEnd('/'),
            ["caData"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(_member.CaCertificatePem!)),
            ["tokenData"] = TokenBase64,
            ["syncResources"] = new JsonArray(new JsonObject { ["group"] = "", ["resources"] = new JsonArray("configmaps") }),
        },
    }.ToJsonString();

    private static async Task<JsonObject> GetAsync(CredentialServer server, string suffix, string? user) =>
        (JsonObject)JsonNode.Parse(await SendAsync(server, _clusters + suffix, "application/json", user))!;

    private static async Task<string> SendAsync(CredentialServer server, string path, string accept, string? user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, path));
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user == "admin" ? CredentialServer.AdminToken : CredentialServer.ViewerToken);
        }

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, body);
        return body;
    }

    private static async Task MergePatchAsync(CredentialServer server, string patch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(server.Url, _clusters + "/member"))
        {
            Content = new StringContent(patch, Encoding.UTF8, "application/merge-patch+json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CredentialServer.AdminToken);
        using var response = await _http.SendAsync(request);
        ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> RawRowAsync(string database, string name)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT object FROM api_objects WHERE resource = 'pediaclusters.cluster.clusterpedia.io' AND name = $n";
        select.Parameters.AddWithValue("$n", name);
        return (string)(await select.ExecuteScalarAsync())!;
    }

    private static string KeyId(string base64) => Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(base64)))[..8];
}
