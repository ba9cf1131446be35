using System.Text;
using Clusterpedia.ApiServer.Http;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>The limits are options: read from configuration (Limits:*), checked at start, and applied as set.</summary>
public sealed class RequestLimitsOptionsTests
{
    [Theory]
    [InlineData("MaxBodyDepth", "0")]
    [InlineData("MaxBodyDepth", "61")]
    [InlineData("MaxRequestBodyBytes", "10")]
    [InlineData("MaxJsonPatchOperations", "0")]
    public async Task Start_LimitOutOfRange_FailsNamingIt(string option, string value)
    {
        var error = await Should.ThrowAsync<OptionsValidationException>(async () =>
        {
            var dir = new TempDirectory("clusterpedia-options-");
            try
            {
                await using var server = await InProcessServer.StartAsync(dir.Path, "--Logging:LogLevel:Default", "None", $"--Limits:{option}", value);
            }
            finally
            {
                dir.Delete();
            }
        });

        error.Message.ShouldContain(option);
    }

    [Fact]
    public void Defaults_AreKubeApiserversWhereItHasOne()
    {
        var limits = new RequestLimits();

        limits.MaxRequestBodyBytes.ShouldBe(3 * 1024 * 1024);
        limits.MaxObjectBytes.ShouldBe(1536 * 1024);
        limits.MaxJsonPatchOperations.ShouldBe(10_000);
        limits.MaxAnnotationsBytes.ShouldBe(256 * 1024);
    }
}

/// <summary>A server with small limits set on its command line.</summary>
public sealed class SmallLimitsServer() : LimitsServer(["--Limits:MaxRequestBodyBytes", "4096", "--Limits:MaxBodyDepth", "8", "--Limits:MaxYamlAliasNodes", "5"]);

public sealed class ConfiguredLimitsTests(SmallLimitsServer server) : IClassFixture<SmallLimitsServer>
{
    [Fact]
    public async Task CreatePediaCluster_OverConfiguredBodyLimit_Is413NamingIt()
    {
        var (code, text) = await server.SendAsync(HttpMethod.Post, LimitsServer.PediaClusters, "application/json", OverLimitBody());

        LimitsServer.ShouldBeStatus(code, text, 413, "limit is 4096 bytes (Limits:MaxRequestBodyBytes)");
    }

    [Fact]
    public async Task CreatePediaCluster_OverConfiguredBodyLimit_ClosesTheConnectionSoTheNextRequestIsNotLost()
    {
        using var response = await server.SendForResponseAsync(HttpMethod.Post, LimitsServer.PediaClusters, "application/json", OverLimitBody());

        ((int)response.StatusCode).ShouldBe(413);
        response.Headers.ConnectionClose.ShouldBe(true);
        await server.ShouldBeHealthyAsync();
    }

    [Fact]
    public async Task CreatePediaCluster_OverConfiguredDepth_Is400NamingIt()
    {
        var body = Encoding.UTF8.GetBytes(LimitsServer.PediaCluster("deep", ""","annotations":{"a":"b"},"x":[[[[[[[1]]]]]]]"""));

        var (code, text) = await server.SendAsync(HttpMethod.Post, LimitsServer.PediaClusters, "application/json", body);

        LimitsServer.ShouldBeStatus(code, text, 400, "deeper than 8 levels (Limits:MaxBodyDepth)");
    }

    [Fact]
    public async Task CreatePediaCluster_OverConfiguredAliasNodes_Is400NamingIt()
    {
        var yaml = "metadata: {name: aliased}\nspec:\n  apiserver: https://127.0.0.1:1\n  a: &a [1, 2, 3]\n  b: *a\n  c: *a\n";

        var (code, text) = await server.SendAsync(HttpMethod.Post, LimitsServer.PediaClusters, "application/yaml", Encoding.UTF8.GetBytes(yaml));

        LimitsServer.ShouldBeStatus(code, text, 400, "more than 5 nodes (Limits:MaxYamlAliasNodes)");
    }

    /// <summary>A PediaCluster over the server's 4,096-byte body limit.</summary>
    private static byte[] OverLimitBody() =>
        Encoding.UTF8.GetBytes(LimitsServer.PediaCluster("over", $$$""","annotations":{"a":"{{{new string('x', 5000)}}}"}"""));
}
