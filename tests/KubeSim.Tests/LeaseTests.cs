using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Tests;

/// <summary>
/// coordination.k8s.io/v1 Leases as leader election (and the synchro's hosted sharding) uses them: create, then
/// replace with the resourceVersion read; a replace carrying an older resourceVersion is a 409 Conflict Status.
/// </summary>
public sealed class LeaseTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const string _leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Replace_StaleResourceVersion_ConflictAndHolderKept()
    {
        using var created = await SendAsync(HttpMethod.Post, _leases,
            """{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"occ"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15,"leaseTransitions":0}}""");
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var first = JsonNode.Parse(await created.Content.ReadAsStringAsync())!.AsObject();
        var taken = first.DeepClone().AsObject();
        taken["spec"]!["holderIdentity"] = "b";
        taken["spec"]!["leaseTransitions"] = 1;
        using var won = await SendAsync(HttpMethod.Put, _leases + "/occ", taken.ToJsonString());
        won.StatusCode.ShouldBe(HttpStatusCode.OK);

        // The loser of the race still carries the first resourceVersion.
        var late = first.DeepClone().AsObject();
        late["spec"]!["holderIdentity"] = "c";
        using var lost = await SendAsync(HttpMethod.Put, _leases + "/occ", late.ToJsonString());

        lost.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var status = JsonNode.Parse(await lost.Content.ReadAsStringAsync())!;
        status["kind"]!.GetValue<string>().ShouldBe("Status");
        status["reason"]!.GetValue<string>().ShouldBe("Conflict");
        var stored = JsonNode.Parse(await _http.GetStringAsync(_leases + "/occ"))!;
        stored["spec"]!["holderIdentity"]!.GetValue<string>().ShouldBe("b");
        stored["spec"]!["leaseTransitions"]!.GetValue<int>().ShouldBe(1);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await _http.SendAsync(request);
    }
}
