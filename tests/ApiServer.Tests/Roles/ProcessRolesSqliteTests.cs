using System.Net;
using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.Roles;

/// <summary>
/// The process roles on one SQLite file (two processes on one machine), and what a synchro-only server serves:
/// health and metrics, and a 404 Status for search and our own API.
/// </summary>
public sealed class ProcessRolesSqliteTests : ProcessRolesTestBase
{
    protected override Task<string[]> StoreOptionsAsync() => Task.FromResult<string[]>([]);

    [Theory]
    [InlineData("/apis/clusterpedia.io/v1beta1/resources/apis/apps/v1/deployments")]
    [InlineData(Deployments)]
    [InlineData("/apis/clusterpedia.io/v1beta1/collectionresources/workloads")]
    [InlineData(PediaClusters)]
    [InlineData("/apis")]
    public async Task SynchroOnly_SearchAndOwnApiPaths_NotFoundStatus(string path)
    {
        var (code, body) = await SendAsync(Synchro, HttpMethod.Get, path);

        code.ShouldBe(HttpStatusCode.NotFound, body);
        using var doc = JsonDocument.Parse(body);
        doc.RootElement.GetProperty("kind").GetString().ShouldBe("Status");
        doc.RootElement.GetProperty("code").GetInt32().ShouldBe(404);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/livez")]
    [InlineData("/readyz")]
    [InlineData("/metrics")]
    public async Task SynchroOnly_HealthAndMetrics_Served(string path)
    {
        await Eventually.UntilAsync(async () => (await SendAsync(Synchro, HttpMethod.Get, path)).Code == HttpStatusCode.OK, Timeout, $"{path} of the synchro-only server never answered 200");
    }

    [Fact]
    public async Task Create_BothRolesOff_FailsNamingTheRoles()
    {
        var e = await Should.ThrowAsync<InvalidOperationException>(() => InProcessServer.StartAsync(Directory.Path, "--api=false", "--synchro=false"));

        e.Message.ShouldContain("--api=false and --synchro=false");
    }
}
