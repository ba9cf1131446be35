using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.KubeSim;
using Clusterpedia.TestSupport.Postgres;
using Npgsql;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// PediaCluster credentials encrypted at rest in PostgreSQL's <c>api_objects</c> (the row read with SQL directly holds
/// no plaintext token, the synchro still decrypts it to reach the member) and a key rotation there: the new key
/// first with the old one kept reads old rows, the next write re-encrypts with the new key, then the old key can go.
/// </summary>
[Collection(PostgresSecurityCollection.Name)]
public sealed class CredentialsAtRestPostgresTests : IAsyncLifetime
{
    private const string _clusters = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    private static readonly HttpClient _http = new(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
    {
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", CredentialServer.AdminToken) },
    };

    private readonly TempDirectory _dir = new("clusterpedia-creds-pg-");
    private SimulatedCluster _member = null!;
    private string _connectionString = "";

    private string TokenBase64 => Convert.ToBase64String(Encoding.UTF8.GetBytes(_member.Token!));

    public async Task InitializeAsync()
    {
        _member = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "member", Token = "pg-creds-token-" + Guid.NewGuid().ToString("N"), Seed = 6, Tls = true });
        var server = await PostgresServer.SharedAsync();
        _connectionString = server.ConnectionString(await server.CreateDatabaseAsync("creds"));
    }

    public async Task DisposeAsync()
    {
        await _member.DisposeAsync();
        _dir.Delete();
    }

    [Fact]
    public async Task Rotation_OnPostgres_RowNeverPlaintextOldKeyReadNewKeyWritten()
    {
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using (var first = await StartAsync(oldKey))
        {
            using var created = await _http.PostAsync(new Uri(first.Url, _clusters), new StringContent(Json(), Encoding.UTF8, "application/json"));
            ((int)created.StatusCode).ShouldBe(201, await created.Content.ReadAsStringAsync());

            // The synchro decrypts what it stored to reach the member with the token.
            await PediaClusterReadiness.WaitAsync(_http, first.Url, "member", TimeSpan.FromSeconds(60));
            first.Logs.Text.ShouldNotContain(_member.Token!);
        }

        var row = await RawRowAsync();
        row.ShouldContain($"enc:aesgcm:{KeyId(oldKey)}:");
        row.ShouldNotContain(TokenBase64);
        row.ShouldNotContain(_member.Token!);

        await using (var rotated = await StartAsync(newKey, oldKey))
        {
            (await TokenDataAsync(rotated)).ShouldBe(TokenBase64);
            using var patched = await _http.PatchAsync(new Uri(rotated.Url, _clusters + "/member"),
                new StringContent("""{"metadata":{"labels":{"rotated":"yes"}}}""", Encoding.UTF8, "application/merge-patch+json"));
            ((int)patched.StatusCode).ShouldBe(200, await patched.Content.ReadAsStringAsync());
        }

        row = await RawRowAsync();
        row.ShouldContain($"enc:aesgcm:{KeyId(newKey)}:");
        row.ShouldNotContain(KeyId(oldKey));
        row.ShouldNotContain(TokenBase64);

        await using var newOnly = await StartAsync(newKey);
        (await TokenDataAsync(newOnly)).ShouldBe(TokenBase64);
    }

    private Task<CredentialServer> StartAsync(params string[] keys) =>
        CredentialServer.StartAsync(_dir.Path,
        [
            "--Storage:Engine", "postgres",
            "--Storage:ConnectionString", _connectionString,
            .. keys.SelectMany((k, i) => new[] { $"--Encryption:Keys:{i}", k }),
        ]);

    private static async Task<string> TokenDataAsync(CredentialServer server)
    {
        var body = await _http.GetStringAsync(new Uri(server.Url, _clusters + "/member"));
        return JsonNode.Parse(body)!["spec"]!["tokenData"]!.GetValue<string>();
    }

    private async Task<string> RawRowAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT object::text FROM api_objects WHERE resource = 'pediaclusters.cluster.clusterpedia.io' AND name = @n";
        select.Parameters.AddWithValue("n", "member");
        return (string)(await select.ExecuteScalarAsync())!;
    }

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

    private static string KeyId(string base64) => Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(base64)))[..8];
}
