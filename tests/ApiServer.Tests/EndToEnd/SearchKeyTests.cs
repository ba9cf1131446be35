using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Clusterpedia.KubeSim;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>
/// Every search key through HTTP against the running server, in its label form (inside labelSelector) and its URL
/// form, each asserting the exact set (or order) of objects computed from the members' own data.
/// </summary>
public sealed class SearchKeyTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources";

    /// <summary>One member object as the member itself serves it.</summary>
    private sealed record MemberObject(
        string Cluster, string Namespace, string Name, string Uid, DateTimeOffset Created, IReadOnlyList<string> OwnerUids, string? NodeName, string? Phase)
    {
        public (string, string, string) Id => (Cluster, Namespace, Name);
    }

    private async Task<List<MemberObject>> MemberAsync(string path)
    {
        var result = new List<MemberObject>();
        foreach (var (cluster, sim) in new[] { ("cluster-1", env.Cluster1), ("cluster-2", env.Cluster2) })
        {
            result.AddRange(await MemberAsync(cluster, sim, path));
        }

        return result;
    }

    private async Task<List<MemberObject>> MemberAsync(string cluster, SimulatedCluster sim, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sim.Url, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sim.Token);
        using var response = await env.MemberHttp(sim).SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("items").EnumerateArray().Select(i =>
        {
            var m = i.GetProperty("metadata");
            return new MemberObject(
                cluster,
                m.TryGetProperty("namespace", out var ns) ? ns.GetString()! : "",
                m.GetProperty("name").GetString()!,
                m.GetProperty("uid").GetString()!,
                DateTimeOffset.Parse(m.GetProperty("creationTimestamp").GetString()!, CultureInfo.InvariantCulture),
                m.TryGetProperty("ownerReferences", out var owners) ? [.. owners.EnumerateArray().Select(o => o.GetProperty("uid").GetString()!)] : [],
                i.TryGetProperty("spec", out var spec) && spec.TryGetProperty("nodeName", out var node) ? node.GetString() : null,
                i.TryGetProperty("status", out var status) && status.TryGetProperty("phase", out var phase) ? phase.GetString() : null);
        })];
    }

    /// <summary>The (cluster, namespace, name) of every item the search returns, in the order returned.</summary>
    private async Task<(List<(string, string, string)> Items, JsonElement Metadata)> SearchAsync(string path, string query)
    {
        using var response = await env.Http.GetAsync(new Uri(env.Server, _search + path + "?" + query));
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, $"{path}?{query}: {body}");
        using var doc = JsonDocument.Parse(body);
        var items = doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata")).Select(m => (
            m.GetProperty("annotations").GetProperty("shadow.clusterpedia.io/cluster-name").GetString()!,
            m.TryGetProperty("namespace", out var ns) ? ns.GetString()! : "",
            m.GetProperty("name").GetString()!)).ToList();
        return (items, doc.RootElement.GetProperty("metadata").Clone());
    }

    private static string Label(string selector) => "labelSelector=" + Uri.EscapeDataString(selector);

    private async Task ExpectSetAsync(string path, string query, IEnumerable<MemberObject> expected)
    {
        var want = expected.Select(o => o.Id).Order().ToList();
        want.ShouldNotBeEmpty($"the members' data gives no object for {query}; the test would prove nothing");
        var (items, _) = await SearchAsync(path, query);
        items.Order().ToList().ShouldBe(want, $"{path}?{query}");
    }

    [Theory]
    [InlineData("label")]
    [InlineData("url")]
    public async Task Names_ReturnsExactlyThoseNamesInEveryCluster(string form)
    {
        var deployments = await MemberAsync("/apis/apps/v1/deployments");
        var names = deployments.Select(d => d.Name).Distinct().Order(StringComparer.Ordinal).Take(2).ToList();
        var query = form == "label" ? Label($"search.clusterpedia.io/names in ({string.Join(',', names)})") : "names=" + string.Join(',', names);

        await ExpectSetAsync("/apis/apps/v1/deployments", query, deployments.Where(d => names.Contains(d.Name)));
    }

    [Fact]
    public async Task NamesNotIn_LabelForm_ExcludesThoseNames()
    {
        var deployments = await MemberAsync("/apis/apps/v1/deployments");
        var names = deployments.Select(d => d.Name).Distinct().Order(StringComparer.Ordinal).Take(2).ToList();

        await ExpectSetAsync("/apis/apps/v1/deployments", Label($"search.clusterpedia.io/names notin ({string.Join(',', names)})"), deployments.Where(d => !names.Contains(d.Name)));
    }

    [Theory]
    [InlineData("label")]
    [InlineData("url")]
    public async Task SinceAndBefore_ReturnExactlyThoseCreatedInTheWindow(string form)
    {
        var pods = await MemberAsync("/api/v1/pods");
        var times = pods.Select(p => p.Created).Distinct().Order().ToList();
        times.Count.ShouldBeGreaterThan(2, "the member's pods need distinct creation times for a window to mean something");
        var since = times[times.Count / 3];
        var before = times[2 * times.Count / 3];
        string Unix(DateTimeOffset t) => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var query = form == "label"
            ? Label($"search.clusterpedia.io/since={Unix(since)},search.clusterpedia.io/before={Unix(before)}")
            : $"since={Uri.EscapeDataString(since.ToString("yyyy-MM-dd'T'HH:mm:ssZ", CultureInfo.InvariantCulture).Replace("+00:00", "Z", StringComparison.Ordinal))}&before={Unix(before)}";

        await ExpectSetAsync("/api/v1/pods", query, pods.Where(p => p.Created >= since && p.Created < before));
    }

    [Theory]
    [InlineData("label")]
    [InlineData("url")]
    public async Task OwnerUid_ReturnsTheDirectChildren(string form)
    {
        var pods = await MemberAsync("/api/v1/pods");
        var replicaSets = await MemberAsync("/apis/apps/v1/replicasets");
        var owner = replicaSets.First(rs => pods.Any(p => p.OwnerUids.Contains(rs.Uid)));
        var query = form == "label" ? Label($"search.clusterpedia.io/owner-uid={owner.Uid}") : "ownerUID=" + owner.Uid;

        await ExpectSetAsync("/api/v1/pods", query, pods.Where(p => p.Cluster == owner.Cluster && p.OwnerUids.Contains(owner.Uid)));
    }

    [Theory]
    [InlineData("label")]
    [InlineData("url")]
    public async Task OwnerUidWithSeniority1_ReturnsTheGrandchildren(string form)
    {
        var pods = await MemberAsync("/api/v1/pods");
        var replicaSets = await MemberAsync("/apis/apps/v1/replicasets");
        var deployments = await MemberAsync("/apis/apps/v1/deployments");
        var owner = deployments.First(d => replicaSets.Any(rs => rs.OwnerUids.Contains(d.Uid) && pods.Any(p => p.OwnerUids.Contains(rs.Uid))));
        var children = replicaSets.Where(rs => rs.Cluster == owner.Cluster && rs.OwnerUids.Contains(owner.Uid)).Select(rs => rs.Uid).ToHashSet();
        var query = form == "label"
            ? Label($"search.clusterpedia.io/owner-uid={owner.Uid},search.clusterpedia.io/owner-seniority=1")
            : $"ownerUID={owner.Uid}&ownerSeniority=1";

        await ExpectSetAsync("/api/v1/pods", query, pods.Where(p => p.Cluster == owner.Cluster && p.OwnerUids.Any(children.Contains)));
    }

    [Theory]
    [InlineData("label")]
    [InlineData("url")]
    public async Task OwnerNameAndGroupResource_ReturnTheChildrenOfThatNamedOwner(string form)
    {
        var pods = await MemberAsync("/api/v1/pods");
        var replicaSets = await MemberAsync("/apis/apps/v1/replicasets");
        var deployments = await MemberAsync("/apis/apps/v1/deployments");
        var owner = deployments.First(d => d.Cluster == "cluster-1" && replicaSets.Any(rs => rs.OwnerUids.Contains(d.Uid)));

        // Every deployment of that name in cluster-1 (any namespace) is an owner; their replica sets are the answer.
        var owners = deployments.Where(d => d.Cluster == "cluster-1" && d.Name == owner.Name).Select(d => d.Uid).ToHashSet();
        var query = form == "label"
            ? Label($"search.clusterpedia.io/clusters in (cluster-1),search.clusterpedia.io/owner-name={owner.Name},search.clusterpedia.io/owner-gr=deployments.apps")
            : $"clusters=cluster-1&ownerName={owner.Name}&ownerGR=deployments.apps";

        await ExpectSetAsync("/apis/apps/v1/replicasets", query, replicaSets.Where(rs => rs.Cluster == "cluster-1" && rs.OwnerUids.Any(owners.Contains)));
    }

    [Theory]
    [InlineData("label")]
    [InlineData("url")]
    public async Task FuzzyName_ReturnsEveryNameContainingTheText(string form)
    {
        var pods = await MemberAsync("/api/v1/pods");
        var text = pods.Select(p => p.Name.Split('-')[0]).GroupBy(t => t).OrderBy(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First(g => g.Key.Length >= 3).Key[1..];
        var query = form == "label" ? Label($"internalstorage.clusterpedia.io/fuzzy-name={text}") : "fuzzyName=" + text;

        await ExpectSetAsync("/api/v1/pods", query, pods.Where(p => p.Name.Contains(text, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("spec.nodeName={node}")]
    [InlineData("status.phase=Running,metadata.namespace!=kube-system")]
    [InlineData("metadata.namespace=kube-system")]
    public async Task FieldSelector_ReturnsExactlyTheMatchingPods(string selector)
    {
        var pods = await MemberAsync("/api/v1/pods");
        var node = pods.Where(p => p.NodeName is not null).Select(p => p.NodeName!).Order(StringComparer.Ordinal).First();
        selector = selector.Replace("{node}", node, StringComparison.Ordinal);
        Func<MemberObject, bool> match = selector switch
        {
            _ when selector.StartsWith("spec.nodeName", StringComparison.Ordinal) => p => p.NodeName == node,
            _ when selector.StartsWith("status.phase", StringComparison.Ordinal) => p => p.Phase == "Running" && p.Namespace != "kube-system",
            _ => p => p.Namespace == "kube-system",
        };

        await ExpectSetAsync("/api/v1/pods", "fieldSelector=" + Uri.EscapeDataString(selector), pods.Where(match));
    }

    [Theory]
    [InlineData("label")]
    [InlineData("url")]
    public async Task WithRemainingCount_CountsWhatIsLeftAfterThePage(string form)
    {
        var pods = await MemberAsync("/api/v1/pods");
        var query = form == "label" ? "limit=3&" + Label("search.clusterpedia.io/with-remaining-count=true") : "limit=3&withRemainingCount=true";

        var (items, metadata) = await SearchAsync("/api/v1/pods", query);

        items.Count.ShouldBe(3);
        metadata.GetProperty("remainingItemCount").GetInt64().ShouldBe(pods.Count - 3);
    }

    // A label selector's "in" values are a set (kubectl sorts them), so the multi-key label case lists its keys in
    // alphabetical order; the URL form keeps the order given.
    [Theory]
    [InlineData("search.clusterpedia.io/orderby=name_desc", "orderby=name%20desc")]
    [InlineData("search.clusterpedia.io/orderby in (cluster,namespace_desc)", "orderby=cluster,namespace%20desc")]
    public async Task OrderBy_ReturnsTheMembersObjectsInThatOrder(string label, string url)
    {
        var deployments = await MemberAsync("/apis/apps/v1/deployments");
        var byName = label.EndsWith("name_desc", StringComparison.Ordinal);
        var expected = (byName
                ? deployments.OrderByDescending(d => d.Name, StringComparer.Ordinal)
                : deployments.OrderBy(d => d.Cluster, StringComparer.Ordinal).ThenByDescending(d => d.Namespace, StringComparer.Ordinal))
            .Select(d => byName ? d.Name : d.Cluster + "/" + d.Namespace).ToList();

        foreach (var query in new[] { Label(label), url })
        {
            var (items, _) = await SearchAsync("/apis/apps/v1/deployments", query);
            items.Select(i => byName ? i.Item3 : i.Item1 + "/" + i.Item2).ToList().ShouldBe(expected, query);
        }
    }

    [Theory]
    [InlineData("label")]
    [InlineData("url")]
    public async Task ClustersAndNamespaces_In_ReturnOnlyThose(string form)
    {
        var deployments = await MemberAsync("/apis/apps/v1/deployments");
        var query = form == "label"
            ? Label("search.clusterpedia.io/clusters in (cluster-2),search.clusterpedia.io/namespaces in (kube-system,default)")
            : "clusters=cluster-2&namespaces=kube-system,default";

        await ExpectSetAsync("/apis/apps/v1/deployments", query, deployments.Where(d => d.Cluster == "cluster-2" && d.Namespace is "kube-system" or "default"));
    }

    [Fact]
    public async Task ClustersAndNamespaces_NotIn_LabelForm_ExcludeThose()
    {
        var deployments = await MemberAsync("/apis/apps/v1/deployments");

        await ExpectSetAsync("/apis/apps/v1/deployments",
            Label("search.clusterpedia.io/clusters notin (cluster-1),search.clusterpedia.io/namespaces notin (kube-system)"),
            deployments.Where(d => d.Cluster != "cluster-1" && d.Namespace != "kube-system"));
    }
}
