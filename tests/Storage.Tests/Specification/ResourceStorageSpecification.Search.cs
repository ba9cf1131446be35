using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    protected static ResourceQuery Pods(
        IReadOnlyList<string>? clusters = null,
        IReadOnlyList<string>? clustersNotIn = null,
        IReadOnlyList<string>? namespaces = null,
        IReadOnlyList<string>? namespacesNotIn = null,
        IReadOnlyList<string>? names = null,
        IReadOnlyList<string>? namesNotIn = null,
        IReadOnlyList<LabelMatch>? labels = null,
        IReadOnlyList<FieldMatch>? fields = null,
        IReadOnlyList<OrderByKey>? orderBy = null,
        DateTimeOffset? since = null,
        DateTimeOffset? before = null,
        string? fuzzyName = null,
        int? limit = null,
        string? continueToken = null) =>
        new()
        {
            Group = "",
            Version = "v1",
            Resource = "pods",
            Clusters = clusters,
            ClustersNotIn = clustersNotIn,
            Namespaces = namespaces,
            NamespacesNotIn = namespacesNotIn,
            Names = names,
            NamesNotIn = namesNotIn,
            LabelSelector = labels,
            FieldSelector = fields,
            OrderBy = orderBy,
            Since = since,
            Before = before,
            FuzzyName = fuzzyName,
            Limit = limit,
            Continue = continueToken,
        };

    [Fact]
    public Task ListAsync_OneCluster_OnlyItsPods() =>
        ExpectPodsAsync(Pods(clusters: ["cluster-2"]), p => p.Cluster == "cluster-2");

    [Fact]
    public Task ListAsync_TwoClusters_PodsOfBoth() =>
        ExpectPodsAsync(Pods(clusters: ["cluster-3", "cluster-1"]), p => p.Cluster is "cluster-1" or "cluster-3");

    [Fact]
    public Task ListAsync_UnknownCluster_Nothing() =>
        ExpectPodsAsync(Pods(clusters: ["nope"]), _ => false);

    [Fact]
    public Task ListAsync_EmptyClusterSet_Nothing() =>
        ExpectPodsAsync(Pods(clusters: []), _ => false);

    [Fact]
    public Task ListAsync_ClustersNotIn_ReallyExcludes() =>
        ExpectPodsAsync(Pods(clustersNotIn: ["cluster-1"]), p => p.Cluster != "cluster-1");

    [Fact]
    public Task ListAsync_ClustersInAndNotIn_Intersection() =>
        ExpectPodsAsync(Pods(clusters: ["cluster-1", "cluster-2"], clustersNotIn: ["cluster-2"]), p => p.Cluster == "cluster-1");

    [Fact]
    public Task ListAsync_OneNamespace_OnlyItsPods() =>
        ExpectPodsAsync(Pods(namespaces: ["kube-system"]), p => p.Namespace == "kube-system");

    [Fact]
    public Task ListAsync_NamespacesIn_Both() =>
        ExpectPodsAsync(Pods(namespaces: ["team-a", "default"]), p => p.Namespace is "team-a" or "default");

    [Fact]
    public Task ListAsync_NamespacesNotIn_ReallyExcludes() =>
        ExpectPodsAsync(Pods(namespacesNotIn: ["kube-system", "team-a"]), p => p.Namespace == "default");

    [Fact]
    public Task ListAsync_ClusterAndNamespace_Both() =>
        ExpectPodsAsync(Pods(clusters: ["cluster-1"], namespaces: ["team-a"]), p => p.Cluster == "cluster-1" && p.Namespace == "team-a");

    [Fact]
    public Task ListAsync_Names_ExactNames() =>
        ExpectPodsAsync(Pods(names: ["db-0", "lonely"]), p => p.Name is "db-0" or "lonely");

    [Fact]
    public Task ListAsync_NamesNotIn_ReallyExcludes() =>
        ExpectPodsAsync(Pods(namesNotIn: ["db-0", "web-abc-1"]), p => p.Name is not ("db-0" or "web-abc-1"));

    [Fact]
    public Task ListAsync_FuzzyName_Substring() =>
        ExpectPodsAsync(Pods(fuzzyName: "abc-2"), p => p.Name.Contains("abc-2", StringComparison.Ordinal));

    [Fact]
    public Task ListAsync_FuzzyName_IsCaseSensitive() =>
        ExpectPodsAsync(Pods(fuzzyName: "WEB"), _ => false);

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\")]
    [InlineData("' OR '1'='1")]
    public Task ListAsync_FuzzyNameWithWildcardsOrQuotes_MatchedLiterally(string text) =>
        ExpectPodsAsync(Pods(fuzzyName: text), p => p.Name.Contains(text, StringComparison.Ordinal));

    [Fact]
    public Task ListAsync_Since_CreatedAtOrAfter() =>
        ExpectPodsAsync(Pods(since: TestObjects.Epoch.AddMinutes(100)), p => p.CreatedAt >= TestObjects.Epoch.AddMinutes(100));

    [Fact]
    public Task ListAsync_Before_CreatedStrictlyBefore() =>
        ExpectPodsAsync(Pods(before: TestObjects.Epoch.AddMinutes(52)), p => p.CreatedAt < TestObjects.Epoch.AddMinutes(52));

    [Fact]
    public Task ListAsync_SinceAndBefore_Window() =>
        ExpectPodsAsync(
            Pods(since: TestObjects.Epoch.AddMinutes(30), before: TestObjects.Epoch.AddMinutes(90)),
            p => p.CreatedAt >= TestObjects.Epoch.AddMinutes(30) && p.CreatedAt < TestObjects.Epoch.AddMinutes(90));

    [Fact]
    public Task ListAsync_SinceAfterEverything_Nothing() =>
        ExpectPodsAsync(Pods(since: TestObjects.Epoch.AddYears(5)), _ => false);
}
