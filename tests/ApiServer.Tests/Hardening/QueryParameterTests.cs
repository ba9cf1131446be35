using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// Hostile and unusual query parameters on search paths, over real HTTP: every one is answered with a 2xx or a 4xx
/// Status naming the parameter, never a 500; boolean parameters read as kube-apiserver reads them.
/// </summary>
public sealed class QueryParameterTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private const string _pods = "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods";

    private async Task<(int Code, string Body)> GetAsync(string pathAndQuery)
    {
        using var response = await env.Http.GetAsync(new Uri(env.Server, pathAndQuery));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void ShouldBeBadRequestNaming(int code, string body, string parameter)
    {
        code.ShouldBe(400, body);
        using var doc = JsonDocument.Parse(body);
        doc.RootElement.GetProperty("kind").GetString().ShouldBe("Status");
        doc.RootElement.GetProperty("message").GetString()!.ShouldContain(parameter);
    }

    [Fact]
    public async Task List_ThousandLabelRequirements_Is400NamingLabelSelector()
    {
        var selector = string.Join(",", Enumerable.Repeat("app", 1000));

        var (code, body) = await GetAsync($"{_pods}?labelSelector={selector}");

        ShouldBeBadRequestNaming(code, body, "labelSelector");
        body.ShouldContain("MaxSelectorRequirements");
    }

    [Fact]
    public async Task List_ThousandFieldRequirements_Is400NamingFieldSelector()
    {
        var selector = string.Join(",", Enumerable.Repeat("spec.nodeName!=x", 300));

        var (code, body) = await GetAsync($"{_pods}?fieldSelector={selector}");

        ShouldBeBadRequestNaming(code, body, "fieldSelector");
    }

    [Fact]
    public async Task List_TooManyNames_Is400NamingNames()
    {
        var names = string.Join(",", Enumerable.Range(0, 1001).Select(i => "n" + i));

        var (code, body) = await GetAsync($"{_pods}?names={names}");

        ShouldBeBadRequestNaming(code, body, "names");
        body.ShouldContain("MaxValuesPerSet");
    }

    [Fact]
    public async Task List_OverlongFuzzyName_Is400NamingFuzzyName()
    {
        var (code, body) = await GetAsync($"{_pods}?fuzzyName={new string('a', 2000)}");

        ShouldBeBadRequestNaming(code, body, "fuzzyName");
    }

    [Theory]
    [InlineData("names=a%00b", "names")]
    [InlineData("fuzzyName=%00", "fuzzyName")]
    [InlineData("ownerName=x%00&ownerGR=deployments.apps", "ownerName")]
    public async Task List_NulCharacter_Is400NamingParameter(string query, string parameter)
    {
        var (code, body) = await GetAsync($"{_pods}?{query}");

        ShouldBeBadRequestNaming(code, body, parameter);
    }

    [Fact]
    public async Task List_LimitMaxInt_ServesAPageOfAtMostTheMaximum()
    {
        var (allCode, allBody) = await GetAsync(_pods);
        allCode.ShouldBe(200, allBody);
        var total = JsonNode.Parse(allBody)!["items"]!.AsArray().Count;

        var (code, body) = await GetAsync($"{_pods}?limit=2147483647");

        code.ShouldBe(200, body);
        var page = JsonNode.Parse(body)!;
        page["items"]!.AsArray().Count.ShouldBe(Math.Min(total, 1000));
        (page["metadata"]!["continue"] is not null).ShouldBe(total > 1000);
    }

    [Fact]
    public void Bounded_LimitOverMaximum_IsLoweredToMaximum()
    {
        var query = new Storage.ResourceQuery { Group = "", Version = "v1", Resource = "pods", Limit = int.MaxValue };

        var bounded = Search.SearchQueryBuilder.Bounded(query, new Search.QueryLimits { MaxLimit = 250 });

        bounded.Limit.ShouldBe(250);
    }

    private async Task<(string Token, JsonNode Decoded)> FirstTokenAsync(string extra)
    {
        var (code, body) = await GetAsync($"{_pods}?limit=1{extra}");
        code.ShouldBe(200, body);
        var token = JsonNode.Parse(body)!["metadata"]!["continue"]!.GetValue<string>();
        return (token, JsonNode.Parse(Base64Url.DecodeFromChars(token))!);
    }

    [Fact]
    public async Task List_ContinueTokenWithLoneSurrogate_Is400NamingContinue()
    {
        var (_, decoded) = await FirstTokenAsync("");
        var json = decoded.ToJsonString();
        var name = decoded["k"]!.AsArray()[^1]!.GetValue<string>();
        var forged = json.Replace("\"" + name + "\"", "\"\\ud800\"", StringComparison.Ordinal);
        forged.ShouldNotBe(json);

        var (code, body) = await GetAsync($"{_pods}?limit=1&continue={Base64Url.EncodeToString(Encoding.UTF8.GetBytes(forged))}");

        ShouldBeBadRequestNaming(code, body, "continue");
    }

    [Fact]
    public async Task List_ContinueTokenWithInvalidUtf8_Is400NamingContinue()
    {
        var (_, decoded) = await FirstTokenAsync("");
        var bytes = Encoding.UTF8.GetBytes(decoded.ToJsonString().Replace("\"k\":[\"", "\"k\":[\"\u00ff", StringComparison.Ordinal)).ToList();
        var at = bytes.IndexOf(0xC3);
        bytes[at] = 0xFF;

        var (code, body) = await GetAsync($"{_pods}?limit=1&continue={Base64Url.EncodeToString(bytes.ToArray())}");

        ShouldBeBadRequestNaming(code, body, "continue");
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(253402300800000)]
    public async Task List_ContinueTokenWithOutOfRangeCreationTime_Is400NamingContinue(long millis)
    {
        var (_, decoded) = await FirstTokenAsync("&orderby=created_at");
        var keys = decoded["k"]!.AsArray();
        var index = keys.Select((k, i) => (k, i)).First(p => p.k!.GetValueKind() == JsonValueKind.Number).i;
        keys[index] = millis;

        var (code, body) = await GetAsync($"{_pods}?limit=1&orderby=created_at&continue={Base64Url.EncodeToString(Encoding.UTF8.GetBytes(decoded.ToJsonString()))}");

        ShouldBeBadRequestNaming(code, body, "continue");
    }

    [Theory]
    [InlineData("4294968")]
    [InlineData("9223372036854775807")]
    [InlineData("99999999999999999999999999")]
    public async Task Watch_HugeTimeoutSeconds_StreamsInsteadOf500(string seconds)
    {
        using var response = await env.Http.GetAsync(
            new Uri(env.Server, $"{_pods}?watch=true&timeoutSeconds={seconds}&labelSelector=app%3Dnothing-has-this"),
            HttpCompletionOption.ResponseHeadersRead);

        ((int)response.StatusCode).ShouldBe(200);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("ten")]
    public async Task Watch_MalformedTimeoutSeconds_Is400NamingTimeoutSeconds(string seconds)
    {
        var (code, body) = await GetAsync($"{_pods}?watch=true&timeoutSeconds={seconds}");

        ShouldBeBadRequestNaming(code, body, "timeoutSeconds");
    }

    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("TRUE")]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("")]
    public async Task Search_WatchTruthyValue_StreamsEvents(string value)
    {
        var (code, body) = await GetAsync($"{_pods}?watch={value}&timeoutSeconds=1&limit=1");

        code.ShouldBe(200, body);
        var first = JsonNode.Parse(body.Split('\n')[0])!;
        first["type"]!.GetValue<string>().ShouldBe("ADDED");
    }

    [Theory]
    [InlineData("false")]
    [InlineData("False")]
    [InlineData("FALSE")]
    [InlineData("0")]
    public async Task Search_WatchFalseValue_Lists(string value)
    {
        var (code, body) = await GetAsync($"{_pods}?watch={value}&limit=1");

        code.ShouldBe(200, body);
        JsonNode.Parse(body)!["kind"]!.GetValue<string>().ShouldBe("PodList");
    }

    [Fact]
    public async Task PediaClusters_WatchCapitalTrue_StreamsEvents()
    {
        var (code, body) = await GetAsync("/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters?watch=True&timeoutSeconds=1");

        code.ShouldBe(200, body);
        JsonNode.Parse(body.Split('\n')[0])!["type"]!.GetValue<string>().ShouldBe("ADDED");
    }

    [Theory]
    [InlineData("onlyMetadata=yes")]
    [InlineData("onlyMetadata=")]
    public async Task List_OnlyMetadataTruthy_ReturnsMetadataOnly(string query)
    {
        var (code, body) = await GetAsync($"{_pods}?{query}&limit=1");

        code.ShouldBe(200, body);
        JsonNode.Parse(body)!["kind"]!.GetValue<string>().ShouldBe("PartialObjectMetadataList");
    }

    [Fact]
    public async Task List_WithContinueNo_IsFalseWithoutError()
    {
        var (code, body) = await GetAsync($"{_pods}?withContinue=FALSE&limit=1");

        code.ShouldBe(200, body);
        JsonNode.Parse(body)!["metadata"]!["continue"].ShouldBeNull();
    }

    [Fact]
    public async Task List_LimitedPage_FillsRemainingItemCountUnasked()
    {
        var (allCode, allBody) = await GetAsync(_pods);
        allCode.ShouldBe(200, allBody);
        var total = JsonNode.Parse(allBody)!["items"]!.AsArray().Count;
        total.ShouldBeGreaterThan(2);

        var (code, body) = await GetAsync($"{_pods}?limit=2");

        code.ShouldBe(200, body);
        var metadata = JsonNode.Parse(body)!["metadata"]!;
        metadata["continue"].ShouldNotBeNull();
        metadata["remainingItemCount"]!.GetValue<long>().ShouldBe(total - 2);
    }

    // kube-apiserver leaves remainingItemCount out of a list with a label or field selector unless it can count
    // exactly; so do we for selectors and fuzzyName (each matches every pod here), and an asked count stays exact.
    [Theory]
    [InlineData("labelSelector=!no-such-label")]
    [InlineData("fieldSelector=metadata.name!=no-such-pod")]
    [InlineData("fuzzyName=-")]
    public async Task List_LimitedPageWithSelector_LeavesUnaskedCountOutAndCountsWhenAsked(string selector)
    {
        var (allCode, allBody) = await GetAsync($"{_pods}?{selector}");
        allCode.ShouldBe(200, allBody);
        var total = JsonNode.Parse(allBody)!["items"]!.AsArray().Count;
        total.ShouldBeGreaterThan(2);

        var (code, body) = await GetAsync($"{_pods}?{selector}&limit=2");
        code.ShouldBe(200, body);
        var metadata = JsonNode.Parse(body)!["metadata"]!.AsObject();
        metadata["continue"].ShouldNotBeNull();
        metadata.ContainsKey("remainingItemCount").ShouldBeFalse(body);

        var (askedCode, askedBody) = await GetAsync($"{_pods}?{selector}&limit=2&withRemainingCount=true");
        askedCode.ShouldBe(200, askedBody);
        JsonNode.Parse(askedBody)!["metadata"]!["remainingItemCount"]!.GetValue<long>().ShouldBe(total - 2);
    }

    [Fact]
    public async Task Collection_LimitedPage_FillsRemainingItemCountUnasked()
    {
        var (code, body) = await GetAsync("/apis/clusterpedia.io/v1beta1/collectionresources/workloads?limit=1");

        code.ShouldBe(200, body);
        var metadata = JsonNode.Parse(body)!["metadata"]!;
        metadata["continue"].ShouldNotBeNull();
        metadata["remainingItemCount"]!.GetValue<long>().ShouldBeGreaterThan(0);
    }
}
