using System.Text;
using System.Text.Json;
using Clusterpedia.ClusterSynchro.Synchro;
using Clusterpedia.Kube;

namespace Clusterpedia.ClusterSynchro.Tests;

public sealed class ObjectTransformerTests
{
    private const string _pod = """
        {"metadata":{"name":"web-1","namespace":"default","uid":"u-1","resourceVersion":"42",
          "creationTimestamp":"2026-01-02T03:04:05Z",
          "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}","keep":"me"},
          "managedFields":[{"manager":"kubectl"}],
          "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"rs-0"},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"rs-1","controller":true}]},
         "spec":{"nodeName":"n1"},"status":{"phase":"Running"}}
        """;

    private static readonly GroupVersionResource _pods = new("", "v1", "pods");
    private static readonly JsonSerializerOptions _indented = new() { WriteIndented = true };

    [Fact]
    public void Transform_ListItemWithoutTypeMeta_AddsApiVersionKindAndClusterAnnotation()
    {
        var record = new ObjectTransformer("c1", _pods, "Pod", prune: true).Transform(Encoding.UTF8.GetBytes(_pod));

        using var doc = JsonDocument.Parse(record.Object);
        var root = doc.RootElement;
        root.GetProperty("apiVersion").GetString().ShouldBe("v1");
        root.GetProperty("kind").GetString().ShouldBe("Pod");
        var annotations = root.GetProperty("metadata").GetProperty("annotations");
        annotations.GetProperty(ObjectTransformer.ClusterAnnotation).GetString().ShouldBe("c1");
        annotations.GetProperty("keep").GetString().ShouldBe("me");
        root.GetProperty("spec").GetProperty("nodeName").GetString().ShouldBe("n1");
    }

    [Fact]
    public void Transform_Prune_DropsManagedFieldsAndLastApplied()
    {
        var record = new ObjectTransformer("c1", _pods, "Pod", prune: true).Transform(Encoding.UTF8.GetBytes(_pod));

        using var doc = JsonDocument.Parse(record.Object);
        var metadata = doc.RootElement.GetProperty("metadata");
        metadata.TryGetProperty("managedFields", out _).ShouldBeFalse();
        metadata.GetProperty("annotations").TryGetProperty(ObjectTransformer.LastAppliedAnnotation, out _).ShouldBeFalse();
    }

    [Fact]
    public void Transform_NoPrune_KeepsManagedFields()
    {
        var record = new ObjectTransformer("c1", _pods, "Pod", prune: false).Transform(Encoding.UTF8.GetBytes(_pod));

        using var doc = JsonDocument.Parse(record.Object);
        var metadata = doc.RootElement.GetProperty("metadata");
        metadata.TryGetProperty("managedFields", out _).ShouldBeTrue();
        metadata.GetProperty("annotations").TryGetProperty(ObjectTransformer.LastAppliedAnnotation, out _).ShouldBeTrue();
    }

    [Fact]
    public void Transform_ExtractsIndexedColumns()
    {
        var record = new ObjectTransformer("c1", _pods, "Pod", prune: true).Transform(Encoding.UTF8.GetBytes(_pod));

        record.Cluster.ShouldBe("c1");
        record.Namespace.ShouldBe("default");
        record.Name.ShouldBe("web-1");
        record.Uid.ShouldBe("u-1");
        record.ResourceVersion.ShouldBe("42");
        record.OwnerUid.ShouldBe("rs-1");
        record.CreatedAt.ShouldBe(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        record.Kind.ShouldBe("Pod");
    }

    [Fact]
    public void Transform_NoAnnotations_CreatesClusterAnnotation()
    {
        var record = new ObjectTransformer("c2", new GroupVersionResource("apps", "v1", "deployments"), "Deployment", prune: true)
            .Transform("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"n"}}"""u8);

        using var doc = JsonDocument.Parse(record.Object);
        doc.RootElement.GetProperty("metadata").GetProperty("annotations").GetProperty(ObjectTransformer.ClusterAnnotation).GetString().ShouldBe("c2");
        doc.RootElement.GetProperty("apiVersion").GetString().ShouldBe("apps/v1");
        record.OwnerUid.ShouldBeNull();
    }

    [Fact]
    public void PeekIdentity_ReadsNamespaceNameAndResourceVersion()
    {
        var (ns, name, rv) = ObjectTransformer.PeekIdentity(Encoding.UTF8.GetBytes(_pod));

        (ns, name, rv).ShouldBe(("default", "web-1", "42"));
    }

    [Fact]
    public void Transform_ValuesCopiedVerbatim_EscapesAndNonAsciiKept()
    {
        const string json = """
            {"apiVersion":"v1","kind":"ConfigMap",
             "metadata":{"name":"cm","namespace":"default","uid":"u","resourceVersion":"7","annotations":null,
                         "labels":{"app":"caf\u00e9","team":"ü"}},
             "data":{"html":"<b>\"quoted\" & \\ back</b>","emoji":"😀","nested":{"a":[1,2.5,true,null]}}}
            """;

        var record = new ObjectTransformer("c1", new GroupVersionResource("", "v1", "configmaps"), "ConfigMap", prune: true)
            .Transform(Encoding.UTF8.GetBytes(json));

        var text = Encoding.UTF8.GetString(record.Object.Span);
        text.ShouldContain("""{"html":"<b>\"quoted\" & \\ back</b>","emoji":"😀","nested":{"a":[1,2.5,true,null]}}""");
        text.ShouldContain("""{"app":"caf\u00e9","team":"ü"}""");
        using var doc = JsonDocument.Parse(record.Object);
        var metadata = doc.RootElement.GetProperty("metadata");
        metadata.GetProperty("annotations").GetProperty(ObjectTransformer.ClusterAnnotation).GetString().ShouldBe("c1");
        metadata.GetProperty("labels").GetProperty("app").GetString().ShouldBe("café");
        doc.RootElement.GetProperty("kind").GetString().ShouldBe("ConfigMap");
        record.Name.ShouldBe("cm");
        record.ResourceVersion.ShouldBe("7");
    }

    [Fact]
    public void Transform_IndentedInput_SameObjectAsCompact()
    {
        var compact = new ObjectTransformer("c1", _pods, "Pod", prune: true).Transform(Encoding.UTF8.GetBytes(_pod));
        var indented = JsonSerializer.Serialize(JsonDocument.Parse(_pod).RootElement, _indented);

        var record = new ObjectTransformer("c1", _pods, "Pod", prune: true).Transform(Encoding.UTF8.GetBytes(indented));

        using var a = JsonDocument.Parse(compact.Object);
        using var b = JsonDocument.Parse(record.Object);
        JsonElement.DeepEquals(a.RootElement, b.RootElement).ShouldBeTrue();
        record.OwnerUid.ShouldBe("rs-1");
        record.CreatedAt.ShouldBe(compact.CreatedAt);
    }

    [Fact]
    public void Transform_SecretWithStripData_DataStringDataAndLastAppliedDropped()
    {
        const string secret = """
            {"metadata":{"name":"db","namespace":"default","uid":"u-2","resourceVersion":"7",
              "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"password\":\"aHVudGVyMg==\"}}","keep":"me"}},
             "type":"Opaque","data":{"password":"aHVudGVyMg=="},"stringData":{"token":"t0p"}}
            """;
        var record = new ObjectTransformer("c1", new GroupVersionResource("", "v1", "secrets"), "Secret", prune: false, stripData: true)
            .Transform(Encoding.UTF8.GetBytes(secret));

        var text = Encoding.UTF8.GetString(record.Object.Span);
        text.ShouldNotContain("aHVudGVyMg==");
        text.ShouldNotContain("t0p");
        text.ShouldContain("\"type\":\"Opaque\"");
        text.ShouldContain("\"keep\":\"me\"");
        record.Name.ShouldBe("db");
    }
}
