using System.Text.Json.Nodes;
using Clusterpedia.Storage;

namespace Clusterpedia.ClusterSynchro.Hosted;

/// <summary>
/// One cached object of the host: the collection it lives in, its resourceVersion as a revision, and its storage form
/// (v1alpha2 JSON without resourceVersion; bytes, so readers on several threads share nothing mutable).
/// </summary>
internal sealed record HostEntry(HostCollection Source, string Name, long Revision, ReadOnlyMemory<byte> Object)
{
    public ApiObject ToApiObject() => new(Source.StorageKey, Name, Revision, Object);

    public JsonObject Parse() => JsonNode.Parse(Object.Span)!.AsObject();
}
