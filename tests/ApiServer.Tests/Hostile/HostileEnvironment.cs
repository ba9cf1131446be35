using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.Hostile;

/// <summary>
/// A simulated member synced by the real server running as a child process (see <see cref="ServerProcess"/>), plus
/// a sacrificial PediaCluster and ClusterSyncResources that the corpus may patch and replace without touching the
/// member's own cluster.
/// </summary>
public sealed class HostileEnvironment : IAsyncLifetime
{
    public const string ClusterName = "cluster-1";
    public const string Target = "hostile-target";

    private readonly TempDirectory _dir = new("clusterpedia-hostile-");

    public SimulatedCluster Member { get; private set; } = null!;

    public ServerProcess Server { get; private set; } = null!;

    private HttpClient MemberHttp { get; set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        Member = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = ClusterName, Token = "token-1", Seed = 1, Tls = true });
        MemberHttp = CreateMemberHttp();
        Server = new ServerProcess(_dir.Path);
        await Server.StartAsync(CancellationToken.None);

        await CreateAsync("/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters", PediaClusterJson(ClusterName, """
            [{"group":"apps","resources":["deployments","replicasets"]},{"group":"","resources":["pods","namespaces"]}]
            """));
        await CreateAsync("/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters", PediaClusterJson(Target, """[{"group":"apps","resources":["deployments"]}]"""));
        await CreateAsync("/apis/cluster.clusterpedia.io/v1alpha2/clustersyncresources", $$$"""
            {"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"ClusterSyncResources","metadata":{"name":"{{{Target}}}"},
             "spec":{"syncResources":[{"group":"apps","resources":["deployments"]}]}}
            """);
        await WaitReadyAsync(ClusterName, TimeSpan.FromSeconds(60));
    }

    /// <summary>A valid PediaCluster for the member, the body the corpus mutates.</summary>
    public string PediaClusterJson(string name, string syncResources) => $$$"""
        {"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"{{{name}}}","labels":{"team":"a"}},
         "spec":{"apiserver":"{{{Member.Url.ToString().TrimEnd('/')}}}",
                 "caData":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(Member.CaCertificatePem!))}}}",
                 "tokenData":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(Member.Token!))}}}",
                 "syncResources":{{{syncResources}}}}}
        """;

    private async Task CreateAsync(string path, string json)
    {
        using var response = await Http.PostAsync(new Uri(Server.Url, path), new StringContent(json, Encoding.UTF8, "application/json"));
        if ((int)response.StatusCode != 201)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public Task WaitReadyAsync(string cluster, TimeSpan timeout) => PediaClusterReadiness.WaitAsync(Http, Server.Url, cluster, timeout);

    /// <summary>(namespace, name) of every object of a member list path, read from the member itself.</summary>
    public async Task<List<(string Namespace, string Name)>> MemberObjectsAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Member.Url, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Member.Token);
        using var response = await MemberHttp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("metadata"))
            .Select(m => (m.TryGetProperty("namespace", out var ns) ? ns.GetString()! : "", m.GetProperty("name").GetString()!))
            .Order()];
    }

    /// <summary>An HttpClient that trusts the simulator's generated CA (and only it).</summary>
    private HttpClient CreateMemberHttp()
    {
        {
            var ca = X509Certificate2.CreateFromPem(Member.CaCertificatePem!);
            var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                {
                    if (cert is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(cert);
                },
            };
            return new HttpClient(handler);
        }
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        MemberHttp?.Dispose();
        await Server.DisposeAsync();
        await Member.DisposeAsync();
        _dir.Delete();
    }
}
