using System.Text;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.Kube;
using Clusterpedia.Storage;

namespace Clusterpedia.ClusterSynchro.Tests.Workloads;

/// <summary>The workload columns the transformer derives from an object on its way in: plugins, then the built-in rules.</summary>
public sealed class WorkloadResolutionTests
{
    private static readonly GroupVersionResource _pods = new("", "v1", "pods");
    private static readonly WorkloadResolver _builtIn = new(new NoWorkloadPlugins());

    private static string Pod(string name, string? owner, string labels = "{}")
    {
        var owners = owner is null ? "" : ",\"ownerReferences\":[" + owner + "]";
        return "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"uid\":\"u-" + name
            + "\",\"resourceVersion\":\"1\",\"labels\":" + labels + owners + "},\"spec\":{\"nodeName\":\"n1\"}}";
    }

    private static string Owner(string apiVersion, string kind, string name, bool controller = true) =>
        $$"""{"apiVersion":"{{apiVersion}}","kind":"{{kind}}","name":"{{name}}","uid":"owner-{{name}}","controller":{{(controller ? "true" : "false")}}}""";

    private static ResourceRecord Transform(string json, GroupVersionResource? resource = null, WorkloadResolver? resolver = null) =>
        new ObjectTransformer("c1", resource ?? _pods, "Pod", prune: true, workloads: resolver ?? _builtIn).Transform(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Transform_PodOfDeploymentReplicaSet_DeploymentDerivedFromTemplateHash()
    {
        var record = Transform(Pod("hello-7d9f8c-abcde", Owner("apps/v1", "ReplicaSet", "hello-7d9f8c"), """{"app":"hello","pod-template-hash":"7d9f8c"}"""));

        record.Workload.ShouldBe(new WorkloadColumns("Deployment", "hello", FollowsOwner: true));
        record.OwnerUid.ShouldBe("owner-hello-7d9f8c");
    }

    [Fact]
    public void Transform_PodOfReplicaSetWithoutMatchingHash_ReplicaSetFollowingIt()
    {
        var record = Transform(Pod("solo-x", Owner("apps/v1", "ReplicaSet", "solo"), """{"pod-template-hash":"zzz"}"""));

        record.Workload.ShouldBe(new WorkloadColumns("ReplicaSet", "solo", FollowsOwner: true));
    }

    [Theory]
    [InlineData("apps/v1", "StatefulSet", "StatefulSet")]
    [InlineData("apps.kruise.io/v1beta1", "StatefulSet", "StatefulSet")]
    [InlineData("apps/v1", "DaemonSet", "DaemonSet")]
    [InlineData("apps.kruise.io/v1alpha1", "DaemonSet", "DaemonSet")]
    [InlineData("apps.kruise.io/v1alpha1", "CloneSet", "CloneSet")]
    [InlineData("v1", "ReplicationController", "ReplicationController")]
    [InlineData("opengauss.sig/v1", "OpenGaussCluster", "OpenGaussCluster")]
    public void Transform_PodOfDirectController_ThatController(string apiVersion, string kind, string expected)
    {
        var record = Transform(Pod("p-0", Owner(apiVersion, kind, "owner")));

        record.Workload.ShouldBe(new WorkloadColumns(expected, "owner"));
    }

    [Theory]
    [InlineData("batch/v1", "Job", "Job")]
    [InlineData("apps.cafe.cloud.alipay.com/v1alpha1", "InPlaceSet", "InPlaceSet")]
    public void Transform_PodOfMiddleOwner_MiddleOwnerFollowingIt(string apiVersion, string kind, string expected)
    {
        var record = Transform(Pod("p-0", Owner(apiVersion, kind, "mid")));

        record.Workload.ShouldBe(new WorkloadColumns(expected, "mid", FollowsOwner: true));
    }

    [Fact]
    public void Transform_BarePod_ItsOwnWorkload()
    {
        Transform(Pod("lonely", null)).Workload.ShouldBe(new WorkloadColumns("Pod", "lonely"));
    }

    [Fact]
    public void Transform_NonControllerOwnersOnly_FirstOwnerIsTheController()
    {
        var record = Transform(Pod("p", Owner("apps/v1", "StatefulSet", "first", controller: false) + "," + Owner("apps/v1", "DaemonSet", "second", controller: false)));

        record.Workload.ShouldBe(new WorkloadColumns("StatefulSet", "first"));
    }

    [Theory]
    [InlineData("apps", "replicasets", "apps/v1", "Deployment", "Deployment")]
    [InlineData("batch", "jobs", "batch/v1", "CronJob", "CronJob")]
    [InlineData("apps.cafe.cloud.alipay.com", "inplacesets", "apps.cafe.cloud.alipay.com/v1alpha1", "CafeDeployment", "CafeDeployment")]
    public void Transform_MiddleOwner_ItsControllerHandedDown(string group, string resource, string apiVersion, string kind, string expected)
    {
        var record = Transform(Pod("mid", Owner(apiVersion, kind, "top")), new GroupVersionResource(group, "v1", resource));

        record.Workload.ShouldBe(new WorkloadColumns(expected, "top", HandsDown: true));
    }

    [Fact]
    public void Transform_MiddleOwnerWithoutController_ItselfHandedDown()
    {
        var record = Transform(Pod("once", null), new GroupVersionResource("batch", "v1", "jobs"));

        record.Workload.ShouldBe(new WorkloadColumns("Job", "once", HandsDown: true));
    }

    [Fact]
    public void Transform_OtherResource_NoWorkload()
    {
        var record = Transform(Pod("cm", Owner("apps/v1", "StatefulSet", "x")), new GroupVersionResource("", "v1", "configmaps"));

        record.Workload.ShouldBe(WorkloadColumns.None);
    }

    [Fact]
    public void Transform_PluginAnswers_PluginWinsOverBuiltInRules()
    {
        var plugins = new TestWorkloadPlugins("OpenGaussCluster");
        plugins.Set(new WorkloadRef("StatefulSet", "ogtest"));

        var owned = Transform(Pod("ogtest-0", Owner("opengauss.sig/v1", "OpenGaussCluster", "ogtest")), resolver: new WorkloadResolver(plugins));
        var other = Transform(Pod("web-1", Owner("apps/v1", "ReplicaSet", "web-abc"), """{"pod-template-hash":"abc"}"""), resolver: new WorkloadResolver(plugins));

        owned.Workload.ShouldBe(new WorkloadColumns("StatefulSet", "ogtest"));
        other.Workload.ShouldBe(new WorkloadColumns("Deployment", "web", FollowsOwner: true));
    }

    [Theory]
    [InlineData("", "x")]
    [InlineData("Kind", "")]
    [InlineData("AKindFarTooLongForTheColumnAKindFarTooLongForTheColumnAKindFarTooLong", "x")]
    public void Transform_PluginAnswerUnfit_BuiltInRulesInstead(string kind, string name)
    {
        var plugins = new TestWorkloadPlugins("\"name\"");
        plugins.Set(new WorkloadRef(kind, name));

        var record = Transform(Pod("p-0", Owner("apps/v1", "StatefulSet", "db")), resolver: new WorkloadResolver(plugins));

        record.Workload.ShouldBe(new WorkloadColumns("StatefulSet", "db"));
    }

    [Fact]
    public void Transform_WithWorkloads_LabelsAndOwnersCopiedVerbatim()
    {
        var json = Pod("hello-1", Owner("apps/v1", "ReplicaSet", "hello-h1"), """{"pod-template-hash":"h1","a":"\u00e9"}""");

        var with = Transform(json);
        var without = new ObjectTransformer("c1", _pods, "Pod", prune: true).Transform(Encoding.UTF8.GetBytes(json));

        with.Object.ToArray().ShouldBe(without.Object.ToArray());
    }

    [Fact]
    public void Read_StoredMetadata_SameInputsAsTheTransformer()
    {
        var metadata = """{"name":"hello-1","uid":"u-1","resourceVersion":"9","labels":{"pod-template-hash":"h1"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"hello-h1","uid":"rs-1","controller":true}]}""";

        var read = WorkloadMetadata.Read(Encoding.UTF8.GetBytes(metadata));

        read.ShouldBe(new WorkloadMetadata("hello-1", "u-1", "9", new ControllerRef("apps/v1", "ReplicaSet", "hello-h1", "rs-1"), "h1"));
    }
}
