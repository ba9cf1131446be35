using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Clusterpedia.Clients.Tests;

/// <summary>A PediaCluster as the generic client sees it: typed metadata, the spec and status left as JSON.</summary>
public sealed class PediaClusterObject : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "cluster.clusterpedia.io/v1alpha2";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "PediaCluster";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public JsonElement? Spec { get; set; }

    [JsonPropertyName("status")]
    public JsonElement? Status { get; set; }
}
