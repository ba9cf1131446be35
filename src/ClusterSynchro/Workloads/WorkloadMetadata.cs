using System.Text.Json;
using Clusterpedia.Kube;

namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>
/// What workload resolution reads from an object's metadata (name, uid, controller, pod-template-hash), read from the
/// metadata JSON alone: for stored objects re-resolved in the background (the sync path reads the same fields while
/// it transforms the object, in <see cref="Synchro.ObjectTransformer"/>).
/// </summary>
public readonly record struct WorkloadMetadata(string Name, string Uid, string? ResourceVersion, ControllerRef? Controller, string? PodTemplateHash)
{
    /// <summary>The bytes of the object's <c>metadata</c> value (empty when it has none).</summary>
    public static ReadOnlySpan<byte> MetadataOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ObjectJsonLimits.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (isMetadata && json[start] == (byte)'{')
            {
                return json[start..(int)reader.BytesConsumed];
            }
        }

        return default;
    }

    /// <summary>Reads the fields from a <c>metadata</c> object; fields of the wrong type read as missing.</summary>
    public static WorkloadMetadata Read(ReadOnlySpan<byte> metadataJson)
    {
        var reader = new Utf8JsonReader(metadataJson, ObjectJsonLimits.ReaderOptions);
        string name = "", uid = "";
        string? resourceVersion = null, hash = null;
        ControllerRef? controller = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("name"u8) ? 1
                : reader.ValueTextEquals("uid"u8) ? 2
                : reader.ValueTextEquals("resourceVersion"u8) ? 3
                : reader.ValueTextEquals("ownerReferences"u8) ? 4
                : reader.ValueTextEquals("labels"u8) ? 5
                : 0;
            reader.Read();
            var isString = reader.TokenType == JsonTokenType.String;
            switch (field)
            {
                case 1 when isString: name = reader.GetString() ?? ""; break;
                case 2 when isString: uid = reader.GetString() ?? ""; break;
                case 3 when isString: resourceVersion = reader.GetString(); break;
                case 4 when reader.TokenType == JsonTokenType.StartArray:
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    using (var owners = JsonDocument.Parse(metadataJson[start..(int)reader.BytesConsumed].ToArray(), ObjectJsonLimits.DocumentOptions))
                    {
                        controller = ControllerRef.Of(owners.RootElement);
                    }

                    continue;
                case 5 when reader.TokenType == JsonTokenType.StartObject:
                    hash = ReadTemplateHash(ref reader);
                    continue;
                default:
                    break;
            }

            reader.Skip();
        }

        return new WorkloadMetadata(name, uid, resourceVersion, controller, hash);
    }

    /// <summary>The pod-template-hash label of a labels object; the reader ends on its EndObject.</summary>
    public static string? ReadTemplateHash(ref Utf8JsonReader reader)
    {
        string? hash = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isHash = reader.ValueTextEquals(WorkloadRules.PodTemplateHashLabel);
            reader.Read();
            if (isHash && reader.TokenType == JsonTokenType.String)
            {
                hash = reader.GetString();
            }

            reader.Skip();
        }

        return hash;
    }
}
