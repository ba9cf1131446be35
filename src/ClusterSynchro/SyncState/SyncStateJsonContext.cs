using System.Text.Json.Serialization;

namespace Clusterpedia.ClusterSynchro.SyncState;

/// <summary>Source-generated JSON of what the synchro publishes for API-only processes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SyncedResourceDocument))]
internal sealed partial class SyncStateJsonContext : JsonSerializerContext;
