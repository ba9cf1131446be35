using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Clusterpedia.Clients.Tests;

/// <summary>A PediaClusterList as the generic client reads it.</summary>
public sealed class PediaClusterList : IKubernetesObject<V1ListMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "cluster.clusterpedia.io/v1alpha2";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "PediaClusterList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<PediaClusterObject> Items { get; set; } = [];
}
