using Clusterpedia.Kube.Client;

namespace Clusterpedia.Kube.Discovery;

/// <summary>
/// Discovers what a server serves: aggregated discovery (apidiscovery.k8s.io v2, then v2beta1) when the server
/// answers it, else the legacy walk of <c>/api</c>, <c>/apis</c> and every <c>/apis/{group}/{version}</c>.
/// </summary>
public sealed class DiscoveryClient
{
    /// <summary>Accept header of aggregated discovery, with a JSON fallback so older servers answer legacy documents.</summary>
    public const string AggregatedAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
        + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    internal const int MaxParallelGroupVersions = 8;

    private readonly KubeClient _client;

    public DiscoveryClient(KubeClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    public async Task<DiscoveryDocument> DiscoverAsync(CancellationToken cancellationToken)
    {
        var core = await _client.GetRawAsync("/api", AggregatedAccept, cancellationToken).ConfigureAwait(false);
        var apis = await _client.GetRawAsync("/apis", AggregatedAccept, cancellationToken).ConfigureAwait(false);
        if (DiscoveryParser.ReadKind(core) == "APIGroupDiscoveryList" && DiscoveryParser.ReadKind(apis) == "APIGroupDiscoveryList")
        {
            var groups = new List<ApiGroupInfo>();
            groups.AddRange(DiscoveryParser.ParseAggregated(core));
            groups.AddRange(DiscoveryParser.ParseAggregated(apis));
            return new DiscoveryDocument { Groups = groups, Aggregated = true };
        }

        return await DiscoverLegacyAsync(core, apis, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The legacy walk, from already fetched <c>/api</c> and <c>/apis</c> documents.</summary>
    private async Task<DiscoveryDocument> DiscoverLegacyAsync(byte[] core, byte[] apis, CancellationToken cancellationToken)
    {
        // A server that answered aggregated for one of the two and legacy for the other: ask again for legacy only.
        if (DiscoveryParser.ReadKind(core) != "APIVersions")
        {
            core = await _client.GetRawAsync("/api", "application/json", cancellationToken).ConfigureAwait(false);
        }

        if (DiscoveryParser.ReadKind(apis) != "APIGroupList")
        {
            apis = await _client.GetRawAsync("/apis", "application/json", cancellationToken).ConfigureAwait(false);
        }

        var groupList = new List<(string Name, IReadOnlyList<string> Versions, string PreferredVersion)>();
        var coreVersions = DiscoveryParser.ParseApiVersions(core);
        groupList.Add((string.Empty, coreVersions, coreVersions.Count > 0 ? coreVersions[0] : "v1"));
        groupList.AddRange(DiscoveryParser.ParseApiGroupList(apis));

        var work = groupList.SelectMany(g => g.Versions.Select(v => (Group: g.Name, Version: v))).ToList();
        var results = new ApiGroupVersionInfo?[work.Count];
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, work.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelGroupVersions, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (group, version) = work[i];
                var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
                try
                {
                    var body = await _client.GetRawAsync(path, ct).ConfigureAwait(false);
                    results[i] = DiscoveryParser.ParseApiResourceList(body, group, version);
                }
                catch (Exception e) when (e is KubeApiException or KubeConnectionException or System.Text.Json.JsonException or TimeoutException)
                {
                    // One broken aggregated API must not hide the rest (client-go's ErrGroupDiscoveryFailed).
                    failures[group.Length == 0 ? version : $"{group}/{version}"] = e.Message;
                }
            }).ConfigureAwait(false);

        var groups = new List<ApiGroupInfo>();
        var index = 0;
        foreach (var (name, versions, preferred) in groupList)
        {
            var found = new List<ApiGroupVersionInfo>();
            for (var i = 0; i < versions.Count; i++, index++)
            {
                if (results[index] is { } gv)
                {
                    found.Add(gv);
                }
            }

            groups.Add(new ApiGroupInfo(name, preferred, found));
        }

        return new DiscoveryDocument { Groups = groups, Aggregated = false, FailedGroupVersions = failures };
    }
}
