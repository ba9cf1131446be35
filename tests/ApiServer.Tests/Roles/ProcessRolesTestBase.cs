using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.Roles;

/// <summary>
/// Two real servers on one database, as two processes would run: one API-only
/// (<c>--synchro=false</c>), one synchro-only (<c>--api=false</c>). A PediaCluster created through the API-only server
/// is synced by the synchro-only one; the API-only server answers searches with the synced objects, and its /readyz
/// and Warning headers follow the status the synchro writes. Each engine's class says which database is shared.
/// </summary>
public abstract class ProcessRolesTestBase : IAsyncLifetime
{
    protected const string PediaClusters = RoleHttp.PediaClusters;
    protected const string Deployments = "/apis/clusterpedia.io/v1beta1/resources/clusters/member/apis/apps/v1/deployments";
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _dir = new("clusterpedia-roles-");
    private RoleHttp Http { get; } = new();
    private SimulatedCluster _member = null!;
    private InProcessServer _api = null!;

    protected InProcessServer Synchro { get; private set; } = null!;

    protected TempDirectory Directory => _dir;

    public async Task InitializeAsync()
    {
        _member = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = "member", Token = "token-member", Namespaces = 2, Seed = 3 });

        // The API server first: it creates the schema the synchro process then finds.
        string[] store = [.. await StoreOptionsAsync(), "--Synchro:StorePollInterval", "00:00:00.200"];
        _api = await InProcessServer.StartAsync(_dir.Path, ["--synchro=false", .. store]);
        Synchro = await InProcessServer.StartAsync(_dir.Path, ["--api=false", .. store]);
    }

    /// <summary>The options that point both servers at the shared database (none: the SQLite file of the directory).</summary>
    protected abstract Task<string[]> StoreOptionsAsync();

    [Fact]
    public async Task SplitRoles_PediaClusterCreatedThroughApiOnly_SyncedBySynchroOnlyAndSearchedThroughApiOnly()
    {
        // A member that hangs cannot finish its initial sync: the API-only server's readiness names it.
        _member.Faults.Hang();
        await Http.CreatePediaClusterAsync(_api, _member);
        await Eventually.UntilAsync(
            async () => await SendAsync(_api, HttpMethod.Get, "/readyz") is { Code: HttpStatusCode.ServiceUnavailable } r && r.Body.Contains("waiting for member", StringComparison.Ordinal),
            Timeout, () => SeenAsync("/readyz of the API-only server never named the unsynced cluster member"), TimeSpan.FromMilliseconds(50));

        // The member answers: the synchro process syncs it, writes Ready, and the API-only server follows.
        _member.Faults.ComeUp();
        await PediaClusterReadiness.WaitAsync(Http.Client, _api.Url, "member", Timeout);
        await Eventually.UntilAsync(async () => (await SendAsync(_api, HttpMethod.Get, "/readyz")).Code == HttpStatusCode.OK, Timeout, () => SeenAsync("/readyz of the API-only server stayed unready"));
        var expected = await MemberDeploymentNamesAsync();
        expected.ShouldNotBeEmpty();
        await Eventually.UntilAsync(
            async () => await SearchAsync() is { Code: HttpStatusCode.OK } r && r.Names.SetEquals(expected) && !r.Warned,
            Timeout, async () => $"searching the API-only server: {await SearchAsync()}; the member has {string.Join(", ", expected)}");

        // The member hangs again: the synchro writes Ready False, and searches through the API-only server warn.
        _member.Faults.Hang();
        await Eventually.UntilAsync(async () => (await SearchAsync()).Warned, Timeout, () => SeenAsync("no Warning header for member from the API-only server"), TimeSpan.FromMilliseconds(50));
        _member.Faults.ComeUp();
        await Eventually.UntilAsync(async () => await SearchAsync() is { Code: HttpStatusCode.OK, Warned: false }, Timeout, () => SeenAsync("the Warning for member stayed"));

        // Deleted through the API-only server: the synchro process removes the data and the finalizer.
        (await SendAsync(_api, HttpMethod.Delete, PediaClusters + "/member")).Code.ShouldBe(HttpStatusCode.OK);
        await Eventually.UntilAsync(async () => (await SendAsync(_api, HttpMethod.Get, PediaClusters + "/member")).Code == HttpStatusCode.NotFound,
            Timeout, () => SeenAsync("the deleted PediaCluster was never finalized by the synchro process"));
    }

    public async Task DisposeAsync()
    {
        await Synchro.DisposeAsync();
        await _api.DisposeAsync();
        await _member.DisposeAsync();
        Http.Dispose();
        _dir.Delete();
    }

    protected Task<(HttpStatusCode Code, string Body)> SendAsync(InProcessServer server, HttpMethod method, string path, string? json = null) =>
        Http.SendAsync(server, method, path, json);

    /// <summary>What a failed wait saw: the PediaCluster as the API-only server shows it, and both servers' /readyz.</summary>
    private async Task<string> SeenAsync(string what)
    {
        var cluster = await SendAsync(_api, HttpMethod.Get, PediaClusters + "/member");
        var status = cluster.Body.IndexOf("\"status\"", StringComparison.Ordinal) is var at and >= 0 ? cluster.Body[at..] : cluster.Body;
        var apiReady = await SendAsync(_api, HttpMethod.Get, "/readyz?verbose");
        var synchroReady = await SendAsync(Synchro, HttpMethod.Get, "/readyz?verbose");
        return $"{what}; PediaCluster ({cluster.Code}): {status}; API /readyz ({apiReady.Code}): {apiReady.Body}; synchro /readyz ({synchroReady.Code}): {synchroReady.Body}";
    }

    private async Task<RoleSearchResult> SearchAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_api.Url, Deployments));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Http.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var warned = response.Headers.TryGetValues("Warning", out var warnings) && warnings.Any(w => w.Contains("cluster member is not ready", StringComparison.Ordinal));
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (response.IsSuccessStatusCode)
        {
            using var doc = JsonDocument.Parse(body);
            foreach (var item in doc.RootElement.GetProperty("items").EnumerateArray())
            {
                names.Add(item.GetProperty("metadata").GetProperty("namespace").GetString() + "/" + item.GetProperty("metadata").GetProperty("name").GetString());
            }
        }

        return new RoleSearchResult(response.StatusCode, names, warned, body.Length > 300 ? body[..300] : body);
    }

    private async Task<HashSet<string>> MemberDeploymentNamesAsync()
    {
        var (code, body) = await Http.GetAsync(_member, "/apis/apps/v1/deployments");
        code.ShouldBe(HttpStatusCode.OK, body);
        using var doc = JsonDocument.Parse(body);
        return [.. doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("metadata").GetProperty("namespace").GetString() + "/" + i.GetProperty("metadata").GetProperty("name").GetString())];
    }
}
