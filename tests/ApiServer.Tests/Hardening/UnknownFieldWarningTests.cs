using System.Net.Http.Headers;
using System.Text;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// Unknown fields are answered with Warning headers that echo their names; a name no header may hold (non-ASCII,
/// control characters) or thousands of them must not break the response.
/// </summary>
[Collection(HardeningCollection.Name)]
public sealed class UnknownFieldWarningTests(LimitsServer server)
{
    [Theory]
    [InlineData("ä", "299 - \"unknown field \\\"spec.\\u00e4\\\"\"")]
    [InlineData("a\\nb", "299 - \"unknown field \\\"spec.a\\u000ab\\\"\"")]
    [InlineData("a\\u0000b", "299 - \"unknown field \\\"spec.a\\u0000b\\\"\"")]
    [InlineData("a\\\"b", "299 - \"unknown field \\\"spec.a\\\"b\\\"\"")]
    [InlineData("😀", "299 - \"unknown field \\\"spec.\\U0001f600\\\"\"")]
    public async Task PatchPediaCluster_UnknownFieldNotHeaderSafe_Is200WithEscapedWarning(string jsonName, string expected)
    {
        using var response = await PatchAsync($$$"""{"spec":{"{{{jsonName}}}":1}}""");

        ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync());
        response.Headers.GetValues("Warning").ShouldBe([expected]);
    }

    [Fact]
    public async Task PatchPediaCluster_ThousandsOfUnknownFields_AnswersFiftyWarningsAndACount()
    {
        var fields = string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"\"f{i}\":1"));

        using var response = await PatchAsync($"{{\"spec\":{{{fields}}}}}");

        ((int)response.StatusCode).ShouldBe(200);
        var warnings = response.Headers.GetValues("Warning").ToList();
        warnings.Count.ShouldBe(51);
        warnings[^1].ShouldBe("299 - \"9950 more warnings not shown\"");
    }

    private async Task<HttpResponseMessage> PatchAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(server.Server, LimitsServer.PediaClusters + "/target?dryRun=All"))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/merge-patch+json");
        return await server.Http.SendAsync(request);
    }
}
