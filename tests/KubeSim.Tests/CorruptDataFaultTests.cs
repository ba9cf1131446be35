using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Clusterpedia.KubeSim.Faults;

namespace Clusterpedia.KubeSim.Tests;

/// <summary>The fault modes that make the simulator send what a broken or hostile member sends: the bytes on the wire.</summary>
public sealed class CorruptDataFaultTests
{
    private static Task<SimulatedCluster> StartAsync() =>
        SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 1 });

    /// <summary>The raw items of a list response, each re-read with a generous depth limit.</summary>
    private static List<JsonElement> Items(byte[] body)
    {
        using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 1000 });
        return [.. doc.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public async Task SetCorruptListItems_EveryKind_FirstPageStartsWithThemThenTheRealObjects()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Faults.SetCorruptListItems("/api/v1/pods",
            CorruptItem.DeepNesting(200), CorruptItem.NumericName(), CorruptItem.NumericResourceVersion(), CorruptItem.NonObject(), CorruptItem.Null());
        var podCount = cluster.Store.List(new Kube.GroupVersionResource("", "v1", "pods")).Count;

        var body = await http.GetByteArrayAsync("/api/v1/pods");
        var items = Items(body);
        items.Count.ShouldBe(5 + podCount);

        var deep = items[0].GetProperty("spec");
        var depth = 0;
        while (deep.ValueKind == JsonValueKind.Object)
        {
            deep = deep.GetProperty("a");
            depth++;
        }

        depth.ShouldBe(200);
        items[1].GetProperty("metadata").GetProperty("name").ValueKind.ShouldBe(JsonValueKind.Number);
        items[2].GetProperty("metadata").GetProperty("resourceVersion").ValueKind.ShouldBe(JsonValueKind.Number);
        items[3].ValueKind.ShouldBe(JsonValueKind.String);
        items[4].ValueKind.ShouldBe(JsonValueKind.Null);
        items[5].GetProperty("metadata").GetProperty("name").GetString().ShouldNotStartWith("corrupt-");

        // A default reader (depth 64) rejects the page: this is what a member with deep custom resources serves.
        Should.Throw<JsonException>(() => JsonDocument.Parse(body));

        // Other resources are untouched; a page after the first carries no corrupt items.
        Items(await http.GetByteArrayAsync("/api/v1/namespaces")).ShouldAllBe(i => i.ValueKind == JsonValueKind.Object);
        var first = JsonNode.Parse(await http.GetStringAsync("/api/v1/pods?limit=1"), null, new JsonDocumentOptions { MaxDepth = 1000 })!;
        var next = Items(await http.GetByteArrayAsync("/api/v1/pods?limit=100&continue=" + Uri.EscapeDataString(first["metadata"]!["continue"]!.GetValue<string>())));
        next.ShouldAllBe(i => i.ValueKind == JsonValueKind.Object && !i.GetProperty("metadata").GetProperty("name").GetString()!.StartsWith("corrupt-"));

        cluster.Faults.Reset();
        Items(await http.GetByteArrayAsync("/api/v1/pods")).Count.ShouldBe(podCount);
    }

    [Fact]
    public async Task SetCorruptListItems_InvalidUtf8AndLoneSurrogate_BytesAsAMemberWouldSendThem()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Faults.SetCorruptListItems("/api/v1/configmaps", CorruptItem.InvalidUtf8(), CorruptItem.LoneSurrogate());

        var body = await http.GetByteArrayAsync("/api/v1/configmaps");
        Utf8.IsValid(body).ShouldBeFalse();
        Encoding.ASCII.GetString(body).ShouldContain("\"bad\\ud800x\"");

        // The structure is still JSON a tolerant reader walks; only the strings are broken.
        var items = Items(body);
        items[0].GetProperty("metadata").GetProperty("name").GetString().ShouldBe("corrupt-invalid-utf8");
        Should.Throw<InvalidOperationException>(() => items[0].GetProperty("metadata").GetProperty("labels").GetProperty("app").GetString());
        Should.Throw<InvalidOperationException>(() => items[1].GetProperty("metadata").GetProperty("labels").GetProperty("app").GetString());
    }

    [Fact]
    public async Task SetCorruptWatchEvents_BrokenObjectsArriveAsAddedEvents_ThenRealEvents()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        var rv = JsonNode.Parse(await http.GetStringAsync("/api/v1/configmaps"))!["metadata"]!["resourceVersion"]!.GetValue<string>();
        cluster.Faults.SetCorruptWatchEvents("/api/v1/configmaps", CorruptItem.NumericName(), CorruptItem.Null());

        using var response = await http.GetAsync($"/api/v1/configmaps?watch=true&resourceVersion={rv}", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        first["type"]!.GetValue<string>().ShouldBe("ADDED");
        first["object"]!["metadata"]!["name"]!.GetValueKind().ShouldBe(JsonValueKind.Number);
        var second = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        second["object"].ShouldBeNull();

        cluster.Store.Create(new Kube.GroupVersionResource("", "v1", "configmaps"), "default", """{"metadata":{"name":"after"}}""");
        var real = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        real["object"]!["metadata"]!["name"]!.GetValue<string>().ShouldBe("after");
    }

    [Theory]
    [InlineData(EndlessContinueMode.Repeat)]
    [InlineData(EndlessContinueMode.New)]
    public async Task SetEndlessContinue_EveryPageHasAContinueToken(EndlessContinueMode mode)
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Faults.SetEndlessContinue(mode, "/api/v1/pods");

        var tokens = new List<string>();
        var path = "/api/v1/pods?limit=2";
        for (var page = 0; page < 20; page++)
        {
            var list = JsonNode.Parse(await http.GetStringAsync(path))!;
            var token = list["metadata"]!["continue"]?.GetValue<string>();
            token.ShouldNotBeNullOrEmpty();
            list["items"]!.AsArray().Count.ShouldBe(2);
            tokens.Add(token);
            path = "/api/v1/pods?limit=2&continue=" + Uri.EscapeDataString(token);
        }

        tokens.Distinct().Count().ShouldBe(mode == EndlessContinueMode.Repeat ? 1 : 20);

        // Other paths end as usual.
        JsonNode.Parse(await http.GetStringAsync("/api/v1/namespaces?limit=500"))!["metadata"]!["continue"].ShouldBeNull();
    }

    [Fact]
    public async Task SetTruncateWatches_StreamEndsInTheMiddleOfAnEvent()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Faults.SetTruncateWatches(true, "/api/v1/pods");

        using var response = await http.GetAsync("/api/v1/pods?watch=true&resourceVersion=0", HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        var lines = text.Split('\n');
        lines.Length.ShouldBeGreaterThan(1);
        foreach (var line in lines[..^1])
        {
            JsonNode.Parse(line)!["type"]!.GetValue<string>().ShouldBe("ADDED");
        }

        lines[^1].ShouldStartWith("{\"type\":\"ADDED\"");
        Should.Throw<JsonException>(() => JsonNode.Parse(lines[^1]));
    }

    [Fact]
    public async Task SetErrorRate_Html_ProxyErrorPageInsteadOfStatus()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Faults.SetErrorRate(1.0, 502, html: true);

        using var response = await http.GetAsync("/api/v1/pods");
        ((int)response.StatusCode).ShouldBe(502);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("<title>502 Bad Gateway</title>");
    }

    [Fact]
    public async Task Hang_ConnectionAcceptedAnswerNeverComes_UntilComeUp()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        using var watch = await http.GetAsync("/api/v1/configmaps?watch=true&resourceVersion=0", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await watch.Content.ReadAsStreamAsync());
        cluster.Faults.Hang();

        // The TCP connection is accepted...
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(cluster.Url.Host, cluster.Url.Port);
            tcp.Connected.ShouldBeTrue();
        }

        // ...and the answer only comes once the hang ends.
        var pending = http.GetAsync("/readyz");
        var control = await http.GetStringAsync("/_sim/faults");
        JsonNode.Parse(control)!["hung"]!.GetValue<bool>().ShouldBeTrue();
        pending.IsCompleted.ShouldBeFalse();
        cluster.Store.Create(new Kube.GroupVersionResource("", "v1", "configmaps"), "default", """{"metadata":{"name":"during-hang"}}""");

        cluster.Faults.ComeUp();
        using var answer = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);

        // The open watch was silent, and sends what happened once the hang ends.
        while (true)
        {
            var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
            if (JsonNode.Parse(line!)!["object"]!["metadata"]!["name"]?.GetValue<string>() == "during-hang")
            {
                break;
            }
        }
    }

    [Fact]
    public async Task SetStallListBodies_HeadersAndStartOfBodyThenNothing_UntilTurnedOff()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        cluster.Faults.SetStallListBodies(true, "/api/v1/namespaces");

        using var response = await http.GetAsync("/api/v1/namespaces", HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stream = await response.Content.ReadAsStreamAsync();
        var start = new byte[64];
        var read = await stream.ReadAsync(start);
        Encoding.UTF8.GetString(start, 0, read).ShouldStartWith("{\"kind\":\"NamespaceList\"");
        var rest = new StreamReader(stream).ReadToEndAsync();
        var state = JsonNode.Parse(await http.GetStringAsync("/_sim/faults"))!;
        state["resourceVersion"].ShouldNotBeNull();
        rest.IsCompleted.ShouldBeFalse();

        cluster.Faults.SetStallListBodies(false);
        (await rest.WaitAsync(TimeSpan.FromSeconds(10))).ShouldEndWith("]}");
    }

    [Fact]
    public async Task ControlEndpoint_CorruptEndlessTruncateHtmlHang_AppliedAndShown()
    {
        await using var cluster = await StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Url };
        using var post = await http.PostAsync("/_sim/faults", new StringContent(
            """{"corruptItems":["deep","loneSurrogate"],"corruptPathPrefix":"/api/v1/pods","nestingDepth":100,"endlessContinue":"new","endlessContinuePathPrefix":"/api/v1/nodes","truncateWatches":true,"truncateWatchesPathPrefix":"/api/v1/services"}""",
            Encoding.UTF8, "application/json"));
        post.StatusCode.ShouldBe(HttpStatusCode.OK);
        var state = JsonNode.Parse(await post.Content.ReadAsStringAsync())!;
        state["corruptItems"]!.AsArray().Select(i => i!.GetValue<string>()).ShouldBe(["deep", "loneSurrogate"]);
        state["endlessContinue"]!.GetValue<string>().ShouldBe("New");
        state["truncateWatches"]!.GetValue<bool>().ShouldBeTrue();
        Items(await http.GetByteArrayAsync("/api/v1/pods"))[0].GetProperty("metadata").GetProperty("name").GetString().ShouldBe("corrupt-deep");
        JsonNode.Parse(await http.GetStringAsync("/api/v1/nodes?limit=500"))!["metadata"]!["continue"]!.GetValue<string>().ShouldStartWith("endless-");

        using var html = await http.PostAsync("/_sim/faults", new StringContent("""{"errorShare":1,"errorCode":502,"html":true,"errorPathPrefix":"/api/v1/pods"}""", Encoding.UTF8, "application/json"));
        using var page = await http.GetAsync("/api/v1/pods");
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");

        using var hang = await http.PostAsync("/_sim/faults", new StringContent("""{"hang":true}""", Encoding.UTF8, "application/json"));
        JsonNode.Parse(await hang.Content.ReadAsStringAsync())!["hung"]!.GetValue<bool>().ShouldBeTrue();
        using var reset = await http.DeleteAsync("/_sim/faults");
        var after = JsonNode.Parse(await reset.Content.ReadAsStringAsync())!;
        after["hung"]!.GetValue<bool>().ShouldBeFalse();
        after["corruptItems"]!.AsArray().Count.ShouldBe(0);
        (await http.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
