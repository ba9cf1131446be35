using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Discovery;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.Kube.Discovery;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.ClusterSynchro.Tests;

public sealed class ResourceResolverTests
{
    private static readonly string[] _listWatch = ["get", "list", "watch"];

    private static readonly DiscoveryDocument _discovery = new()
    {
        Groups =
        [
            Group("", "v1", ("v1", [R("", "v1", "pods", "Pod"), R("", "v1", "configmaps", "ConfigMap"), R("", "v1", "bindings", "Binding", ["create"])])),
            Group("apps", "v1", ("v1", [R("apps", "v1", "deployments", "Deployment"), R("apps", "v1", "statefulsets", "StatefulSet")])),
            Group("apps.kruise.io", "v1beta1",
                ("v1beta1", [R("apps.kruise.io", "v1beta1", "statefulsets", "StatefulSet"), R("apps.kruise.io", "v1beta1", "clonesets", "CloneSet")]),
                ("v1alpha1", [R("apps.kruise.io", "v1alpha1", "statefulsets", "StatefulSet"), R("apps.kruise.io", "v1alpha1", "sidecarsets", "SidecarSet")])),
        ],
    };

    private static readonly CustomResourceDefinitionInfo[] _crds =
    [
        new("apps.kruise.io", "clonesets", new Dictionary<string, IReadOnlyList<CustomColumn>>
        {
            ["v1beta1"] = [new CustomColumn("DESIRED", "integer", null, "replicas", 0, ".spec.replicas")],
        }),
        new("apps.kruise.io", "statefulsets", new Dictionary<string, IReadOnlyList<CustomColumn>>()),
        new("apps.kruise.io", "sidecarsets", new Dictionary<string, IReadOnlyList<CustomColumn>>()),
    ];

    private static ApiGroupInfo Group(string name, string preferred, params (string Version, ApiResourceInfo[] Resources)[] versions) =>
        new(name, preferred, [.. versions.Select(v => new ApiGroupVersionInfo(name, v.Version, v.Resources))]);

    private static ApiResourceInfo R(string group, string version, string name, string kind, string[]? verbs = null) =>
        new(group, version, name, kind.ToLowerInvariant(), kind, true, verbs ?? _listWatch, [], [], []);

    private static PediaClusterSpec Spec(params SyncResourceSpec[] entries) => new() { Name = "c", SyncResources = entries };

    private static SyncResourceSpec Entry(string group, string[] resources, params string[] versions) => new(group, versions, resources);

    private static List<string> Names(ResolvedResources r) => [.. r.Resources.Select(x => x.Resource.ToString())];

    [Fact]
    public void Resolve_SameResourceNameInTwoGroups_KeptApart()
    {
        var result = ResourceResolver.Resolve(Spec(Entry("apps", ["statefulsets"]), Entry("apps.kruise.io", ["statefulsets"])), _discovery, _crds, new SynchroOptions());

        Names(result).ShouldBe(["apps/v1/statefulsets", "apps.kruise.io/v1beta1/statefulsets"]);
    }

    [Fact]
    public void Resolve_Versions_PreferredListedOrAll()
    {
        Names(ResourceResolver.Resolve(Spec(Entry("apps.kruise.io", ["*"])), _discovery, null, new SynchroOptions()))
            .ShouldBe(["apps.kruise.io/v1beta1/clonesets", "apps.kruise.io/v1beta1/statefulsets"]);
        Names(ResourceResolver.Resolve(Spec(Entry("apps.kruise.io", ["*"], "v1alpha1")), _discovery, null, new SynchroOptions()))
            .ShouldBe(["apps.kruise.io/v1alpha1/sidecarsets", "apps.kruise.io/v1alpha1/statefulsets"]);

        // Every version: one version per resource, the preferred one first.
        Names(ResourceResolver.Resolve(Spec(Entry("apps.kruise.io", ["*"], "*")), _discovery, null, new SynchroOptions()))
            .ShouldBe(["apps.kruise.io/v1beta1/clonesets", "apps.kruise.io/v1alpha1/sidecarsets", "apps.kruise.io/v1beta1/statefulsets"]);
    }

    [Fact]
    public void Resolve_MissingThings_AreProblemsNotFailures()
    {
        var result = ResourceResolver.Resolve(
            Spec(Entry("nope.io", ["x"]), Entry("apps", ["deployments"], "v2"), Entry("", ["pods", "ghosts"])), _discovery, null, new SynchroOptions());

        Names(result).ShouldBe(["v1/pods"]);
        result.Problems.ShouldContain(p => p.Contains("nope.io", StringComparison.Ordinal));
        result.Problems.ShouldContain(p => p.Contains("\"v2\"", StringComparison.Ordinal));
        result.Problems.ShouldContain(p => p.Contains("ghosts", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_WithoutListAndWatch_SkippedWithReasonWhenNamed_SilentUnderStar()
    {
        var named = ResourceResolver.Resolve(Spec(Entry("", ["bindings"])), _discovery, null, new SynchroOptions());
        named.Resources.ShouldBeEmpty();
        named.Skipped.Single().Message.ShouldContain("does not support list and watch");

        var star = ResourceResolver.Resolve(Spec(Entry("", ["*"])), _discovery, null, new SynchroOptions());
        Names(star).ShouldBe(["v1/configmaps", "v1/pods"]);
        star.Skipped.ShouldBeEmpty();
    }

    [Fact]
    public void Resolve_GroupStarAndAllCustomResources_OnlyWithTheirOptions()
    {
        var spec = Spec(Entry("*", ["*"])) with { SyncAllCustomResources = true };
        var off = ResourceResolver.Resolve(spec, _discovery, _crds, new SynchroOptions());
        off.Resources.ShouldBeEmpty();
        off.Problems.Count.ShouldBe(2);

        var on = ResourceResolver.Resolve(spec, _discovery, _crds, new SynchroOptions { AllowSyncAllResources = true, AllowSyncAllCustomResources = true });
        on.Resources.Count.ShouldBe(7);

        var crdsOnly = ResourceResolver.Resolve(Spec() with { SyncAllCustomResources = true }, _discovery, _crds, new SynchroOptions { AllowSyncAllCustomResources = true });
        Names(crdsOnly).ShouldBe(["apps.kruise.io/v1beta1/clonesets", "apps.kruise.io/v1alpha1/sidecarsets", "apps.kruise.io/v1beta1/statefulsets"]);
    }

    [Fact]
    public void Resolve_ExcludeResources_WinOverSyncResources()
    {
        var spec = Spec(Entry("", ["*"]), Entry("apps", ["*"])) with
        {
            ExcludeResources = [new ExcludeResourceSpec("", ["configmaps"]), new ExcludeResourceSpec("apps", ["*"])],
        };

        Names(ResourceResolver.Resolve(spec, _discovery, null, new SynchroOptions())).ShouldBe(["v1/pods"]);
    }

    [Fact]
    public void Resolve_CustomResource_CarriesItsCrdPrinterColumns()
    {
        var result = ResourceResolver.Resolve(Spec(Entry("apps.kruise.io", ["clonesets"]), Entry("apps", ["deployments"])), _discovery, _crds, new SynchroOptions());

        var cloneSets = result.Resources.Single(r => r.Resource.Resource == "clonesets");
        cloneSets.PrinterColumns.ShouldNotBeNull().Single().JsonPath.ShouldBe(".spec.replicas");
        result.Resources.Single(r => r.Resource.Resource == "deployments").PrinterColumns.ShouldBeNull();
    }
}
