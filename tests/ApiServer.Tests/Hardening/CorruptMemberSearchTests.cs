using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Clusterpedia.KubeSim;
using Clusterpedia.KubeSim.Faults;

namespace Clusterpedia.ApiServer.Tests.Hardening;

/// <summary>
/// What a broken member object does to searches, through HTTP (issue 20): a label value holding invalid UTF-8 or a
/// lone surrogate used to make every Table list containing it a 500 and every JSON list invalid UTF-8; one bad item
/// in a page used to leave the whole resource empty. Now the good items, the repaired ones and the deeply nested one
/// are all searchable, as a JSON list and as a Table, and every response is valid UTF-8 JSON.
/// </summary>
public sealed class CorruptMemberSearchTests(OwnApiServer server) : IClassFixture<OwnApiServer>
{
    private const string _cluster = "corrupt";
    private static readonly JsonDocumentOptions _deep = new() { MaxDepth = 1000 };
    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private async Task<byte[]> GetAsync(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Server, path));
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        using var response = await server.Http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        ((int)response.StatusCode).ShouldBe(200, Encoding.UTF8.GetString(bytes));
        return bytes;
    }

    private static List<string> Names(JsonElement list, string itemsProperty) =>
        [.. list.GetProperty(itemsProperty).EnumerateArray().Select(item =>
            (itemsProperty == "rows" ? item.GetProperty("object") : item).GetProperty("metadata").GetProperty("name").GetString()!)];

    [Fact]
    public async Task Search_MemberSendsBrokenObjects_GoodRepairedAndDeepOnesServedAsValidJsonAndTable()
    {
        await using var sim = await SimulatedCluster.StartAsync(new SimulatorOptions { ClusterName = _cluster, Tls = true, Token = "corrupt-token", Seed = 5 });
        sim.Faults.SetCorruptListItems("/api/v1/configmaps",
            CorruptItem.InvalidUtf8(), CorruptItem.LoneSurrogate(), CorruptItem.DeepNesting(200), CorruptItem.NumericName(), CorruptItem.Null(), CorruptItem.NonObject());
        var memberNames = sim.Store.List(new("", "v1", "configmaps")).Select(o => o["metadata"]!["name"]!.GetValue<string>()).ToList();
        memberNames.ShouldNotBeEmpty();

        var (code, body) = await server.SendAsync(HttpMethod.Post, OwnApiServer.PediaClusters, $$$"""
            {"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"PediaCluster","metadata":{"name":"{{{_cluster}}}"},
             "spec":{"apiserver":"{{{sim.Url.ToString().TrimEnd('/')}}}","caData":"{{{B64(sim.CaCertificatePem!)}}}","tokenData":"{{{B64(sim.Token!)}}}",
                     "syncResources":[{"group":"","resources":["configmaps"]}]}}
            """);
        code.ShouldBe(201, body?.ToJsonString());
        try
        {
            const string path = "/apis/clusterpedia.io/v1beta1/resources/clusters/" + _cluster + "/api/v1/configmaps";
            string[] readable = ["corrupt-invalid-utf8", "corrupt-lone-surrogate", "corrupt-deep"];
            var expected = memberNames.Concat(readable).Order(StringComparer.Ordinal).ToList();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            List<string> names;
            while (true)
            {
                using var probe = await server.Http.GetAsync(new Uri(server.Server, path));
                names = probe.IsSuccessStatusCode
                    ? Names(JsonDocument.Parse(await probe.Content.ReadAsByteArrayAsync(), _deep).RootElement, "items").Order(StringComparer.Ordinal).ToList()
                    : [];
                if (names.SequenceEqual(expected))
                {
                    break;
                }

                DateTime.UtcNow.ShouldBeLessThan(deadline, $"stored configmaps {string.Join(",", names)}; expected {string.Join(",", expected)}");
                await Task.Delay(200);
            }

            // Every response is valid UTF-8 JSON, the repaired label values hold U+FFFD instead of the broken text.
            var json = await GetAsync(path, "application/json");
            var jsonText = _strictUtf8.GetString(json);
            using (var list = JsonDocument.Parse(json, _deep))
            {
                var repaired = list.RootElement.GetProperty("items").EnumerateArray()
                    .Where(i => i.GetProperty("metadata").GetProperty("name").GetString() is "corrupt-invalid-utf8" or "corrupt-lone-surrogate")
                    .SelectMany(i => i.GetProperty("metadata").GetProperty("labels").EnumerateObject().Select(l => l.Value.GetString()!))
                    .ToList();
                repaired.ShouldNotBeEmpty();
                repaired.ShouldAllBe(v => v.Contains('\uFFFD'));
            }

            jsonText.ShouldNotContain("\\ud800", Case.Insensitive);

            var table = await GetAsync(path, "application/json;as=Table;v=v1;g=meta.k8s.io");
            _strictUtf8.GetString(table);
            using (var doc = JsonDocument.Parse(table, _deep))
            {
                Names(doc.RootElement, "rows").Order(StringComparer.Ordinal).ShouldBe(expected);
            }

            // Across all clusters too, and the deep object by name.
            _strictUtf8.GetString(await GetAsync("/apis/clusterpedia.io/v1beta1/resources/api/v1/configmaps", "application/json"));
            var deep = await GetAsync(path.Replace("/configmaps", "/namespaces/default/configmaps/corrupt-deep", StringComparison.Ordinal), "application/json");
            using (var doc = JsonDocument.Parse(deep, _deep))
            {
                doc.RootElement.GetProperty("metadata").GetProperty("name").GetString().ShouldBe("corrupt-deep");
            }
        }
        finally
        {
            await server.SendAsync(HttpMethod.Delete, OwnApiServer.PediaClusters + "/" + _cluster);
        }
    }
}
