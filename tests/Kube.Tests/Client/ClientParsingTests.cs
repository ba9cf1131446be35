using System.Net;
using System.Text;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.Kube.Tests.Client;

public sealed class ClientParsingTests
{
    [Fact]
    public void ListPageParser_Page_SlicesItemsByteForByte()
    {
        var item1 = """{"metadata":{"name":"a","labels":{"x":"1"}} , "data":{"k":"v\n\"q\""}}""";
        var item2 = """{"metadata":{"name":"b"}}""";
        var json = $$"""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"tok","remainingItemCount":7},"items":[ {{item1}},{{item2}} ]}""";

        var page = ListPageParser.Parse(Encoding.UTF8.GetBytes(json));

        page.Kind.ShouldBe("ConfigMapList");
        page.ApiVersion.ShouldBe("v1");
        page.ResourceVersion.ShouldBe("42");
        page.Continue.ShouldBe("tok");
        page.RemainingItemCount.ShouldBe(7);
        page.Items.Select(i => Encoding.UTF8.GetString(i.Span)).ShouldBe([item1, item2]);
    }

    [Fact]
    public void ListPageParser_NullItemsAndEmptyContinue_AreEmpty()
    {
        var page = ListPageParser.Parse("""{"metadata":{"resourceVersion":"1","continue":""},"items":null}"""u8.ToArray());

        page.Items.ShouldBeEmpty();
        page.Continue.ShouldBeNull();
        page.RemainingItemCount.ShouldBeNull();
    }

    [Theory]
    [InlineData("ADDED", WatchEventType.Added)]
    [InlineData("MODIFIED", WatchEventType.Modified)]
    [InlineData("DELETED", WatchEventType.Deleted)]
    [InlineData("BOOKMARK", WatchEventType.Bookmark)]
    public void WatchDecode_Event_ReturnsTypeAndExactObject(string type, WatchEventType expected)
    {
        var obj = """{"kind":"Pod", "metadata":{"name":"p","resourceVersion":"9"}}""";
        var e = WatchStreamReader.Decode(Encoding.UTF8.GetBytes($$"""{"type":"{{type}}","object":{{obj}}}"""));

        e.Type.ShouldBe(expected);
        Encoding.UTF8.GetString(e.Object.Span).ShouldBe(obj);
    }

    [Fact]
    public void WatchDecode_ErrorEvent_ThrowsTypedExpired()
    {
        var line = """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}"""u8.ToArray();

        var e = Should.Throw<KubeApiException>(() => WatchStreamReader.Decode(line));

        e.IsExpired.ShouldBeTrue();
        e.Reason.ShouldBe("Expired");
        e.StatusMessage.ShouldBe("too old resource version: 1 (5)");
    }

    [Fact]
    public void KubeStatus_StatusBody_IsDecoded()
    {
        var e = KubeStatus.FromResponse(HttpStatusCode.NotFound,
            """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}"""u8);

        (e.StatusCode, e.Reason, e.StatusMessage).ShouldBe((404, "NotFound", "pods \"x\" not found"));
        e.IsExpired.ShouldBeFalse();
    }

    [Theory]
    [InlineData(HttpStatusCode.Gone, "", 410, "Gone")]
    [InlineData(HttpStatusCode.BadGateway, "<html>bad gateway</html>", 502, "InternalError")]
    [InlineData(HttpStatusCode.Forbidden, "forbidden!", 403, "Forbidden")]
    public void KubeStatus_NonStatusBody_IsSynthesized(HttpStatusCode code, string body, int expectedCode, string reason)
    {
        var e = KubeStatus.FromResponse(code, Encoding.UTF8.GetBytes(body));

        (e.StatusCode, e.Reason).ShouldBe((expectedCode, reason));
        e.StatusMessage.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void KubeStatus_NonStatusOrLongStatusBody_ExceptionMessageShowsNoBodyAndABoundedStatus()
    {
        var plain = KubeStatus.FromResponse(HttpStatusCode.Forbidden, "{\"SecretAccessKey\":\"marker-1\"}"u8);
        var status = KubeStatus.FromResponse(HttpStatusCode.Forbidden,
            Encoding.UTF8.GetBytes($$"""{"kind":"Status","status":"Failure","reason":"Forbidden","code":403,"message":"{{new string('x', 600)}}marker-2"}"""));

        // The exception's message is what logs print: a non-Status body never, a Status message cut to 512 characters.
        plain.Message.ShouldBe("Kubernetes API error 403 (Forbidden): the answer was not a Kubernetes Status (30 bytes); its body is not shown");
        plain.StatusMessage!.ShouldContain("marker-1");
        status.Message.ShouldNotContain("marker-2");
        status.Message.ShouldEndWith("...");
        status.StatusMessage!.ShouldEndWith("marker-2");
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Gone, false)]
    public void RetryPipeline_StatusCodes_OnlyTransientAreRetried(HttpStatusCode code, bool transient)
    {
        KubeRetryPipeline.IsTransient(code).ShouldBe(transient);
    }

    [Fact]
    public void BuildUri_ServerWithPathPrefix_KeepsPrefixAndEncodesQuery()
    {
        using var client = new KubeClient(new KubeClientOptions { Server = new Uri("https://h:6443/apis/clusterpedia.io/v1beta1/resources/") });

        client.BuildUri("/api/v1/pods", "labelSelector=" + Uri.EscapeDataString("a in (b,c)")).AbsoluteUri
            .ShouldBe("https://h:6443/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?labelSelector=a%20in%20%28b%2Cc%29");
    }
}
