using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Client;
using Clusterpedia.Storage;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Turns an object as a member cluster sends it into the row we store, in one pass over its bytes (values are copied
/// verbatim, never re-encoded): adds the apiVersion and kind that list items of built-in types lack, stamps the
/// cluster-name annotation, drops managedFields and the last-applied annotation (unless pruning is off), and extracts
/// the indexed columns. With <paramref name="stripData"/> (Secrets the server may list but not keep the values of)
/// the top-level <c>data</c> and <c>stringData</c> and the last-applied annotation (which repeats them) are dropped too.
/// With <paramref name="workloads"/>, pods and the middle owners (replicasets, jobs, inplacesets) get their workload
/// columns, from the controller reference and pod-template-hash label read on the way (and the metadata bytes the
/// plugins receive): no second parse of the object.
/// </summary>
public sealed class ObjectTransformer(
    string cluster, GroupVersionResource resource, string kind, bool prune, bool stripData = false, WorkloadResolver? workloads = null)
{
    public const string ClusterAnnotation = "shadow.clusterpedia.io/cluster-name";
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    // Values are copied as the member sent them (already valid JSON); only property names go through the writer.
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // Largest scratch buffer a thread keeps between objects; a larger object's is dropped after use.
    private const int _maxKeptScratch = 1024 * 1024;

    // One scratch buffer and writer per thread, reused for every object: the row gets an exactly-sized copy, which
    // SQLite binds as it is (a larger array would be copied again there) and which holds no slack while the batch
    // waits for its transaction.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _scratch;

    [ThreadStatic]
    private static Utf8JsonWriter? _scratchWriter;

    private readonly WorkloadResolver? _workloads = workloads is not null && WorkloadRules.Applies(resource.Group, resource.Resource) ? workloads : null;

    public string Cluster => cluster;

    /// <summary>
    /// Reads only namespace, name and resourceVersion: enough to skip objects that did not change. A field of the
    /// wrong type reads as empty (<see cref="MemberObjectCheck"/> rejects such objects before they get here).
    /// </summary>
    public static (string Namespace, string Name, string ResourceVersion) PeekIdentity(ReadOnlySpan<byte> json)
    {
        var (ns, name, rv) = ObjectIdentity.Read(json);
        return (ns, name, rv);
    }

    public ResourceRecord Transform(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ObjectJsonLimits.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("an object must be a JSON object");
        }

        var buffer = _scratch ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        var w = _scratchWriter ??= new Utf8JsonWriter(buffer, _writerOptions);
        w.Reset(buffer);
        var identity = new Identity();
        var metadata = (Start: 0, End: 0);
        byte[] written;
        try
        {
            w.WriteStartObject();
            w.WriteString("apiVersion"u8, resource.ApiVersion);
            w.WriteString("kind"u8, kind);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("apiVersion"u8) || reader.ValueTextEquals("kind"u8)
                    || (stripData && (reader.ValueTextEquals("data"u8) || reader.ValueTextEquals("stringData"u8))))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                var isMetadata = reader.ValueTextEquals("metadata"u8);
                RawJson.WritePropertyName(w, ref reader);
                reader.Read();
                if (isMetadata && reader.TokenType == JsonTokenType.StartObject)
                {
                    metadata.Start = (int)reader.TokenStartIndex;
                    WriteMetadata(w, json, ref reader, ref identity);
                    metadata.End = (int)reader.BytesConsumed;
                }
                else
                {
                    RawJson.CopyValue(w, json, ref reader);
                }
            }

            w.WriteEndObject();
            w.Flush();
            written = buffer.WrittenSpan.ToArray();
        }
        finally
        {
            // Nothing of a member's object (a Secret's included) stays behind in the thread's buffer.
            buffer.Clear();
            if (buffer.Capacity > _maxKeptScratch)
            {
                _scratch = null;
                _scratchWriter = null;
            }
        }

        return new ResourceRecord
        {
            Cluster = cluster,
            Group = resource.Group,
            Version = resource.Version,
            Resource = resource.Resource,
            Kind = kind,
            Namespace = identity.Namespace,
            Name = identity.Name,
            Uid = identity.Uid,
            ResourceVersion = identity.ResourceVersion,
            OwnerUid = identity.OwnerUid,
            CreatedAt = identity.CreatedAt,
            Object = written,
            Workload = _workloads is null
                ? WorkloadColumns.None
                : _workloads.Resolve(resource.Resource, identity.Name, identity.Controller, identity.PodTemplateHash, json[metadata.Start..metadata.End]),
        };
    }

    /// <summary>Copies metadata, reading the identity fields on the way; the reader ends on its EndObject.</summary>
    private void WriteMetadata(Utf8JsonWriter w, ReadOnlySpan<byte> json, ref Utf8JsonReader reader, ref Identity identity)
    {
        w.WriteStartObject();
        var wroteAnnotations = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (prune && reader.ValueTextEquals("managedFields"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            if (reader.ValueTextEquals("annotations"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    WriteAnnotations(w, json, ref reader);
                    wroteAnnotations = true;
                }
                else
                {
                    // null or malformed: replaced by ours below.
                    reader.Skip();
                }

                continue;
            }

            var field = reader.ValueTextEquals("namespace"u8) ? 1
                : reader.ValueTextEquals("name"u8) ? 2
                : reader.ValueTextEquals("uid"u8) ? 3
                : reader.ValueTextEquals("resourceVersion"u8) ? 4
                : reader.ValueTextEquals("creationTimestamp"u8) ? 5
                : reader.ValueTextEquals("ownerReferences"u8) ? 6
                : _workloads is not null && reader.ValueTextEquals("labels"u8) ? 7
                : 0;
            RawJson.WritePropertyName(w, ref reader);
            reader.Read();
            var isString = reader.TokenType == JsonTokenType.String;
            switch (field)
            {
                case 1 when isString: identity.Namespace = reader.GetString() ?? ""; break;
                case 2 when isString: identity.Name = reader.GetString() ?? ""; break;
                case 3 when isString: identity.Uid = reader.GetString() ?? ""; break;
                case 4 when isString: identity.ResourceVersion = reader.GetString() ?? ""; break;
                case 5 when isString:
                    DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out identity.CreatedAt);
                    break;
                default:
                    break;
            }

            if (field == 6 && reader.TokenType == JsonTokenType.StartArray)
            {
                var start = (int)reader.TokenStartIndex;
                identity.Controller = ControllerRef.Read(ref reader);
                identity.OwnerUid = identity.Controller?.Uid;
                w.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
                continue;
            }

            if (field == 7 && reader.TokenType == JsonTokenType.StartObject)
            {
                // Scanned for pod-template-hash on the way, then copied verbatim.
                var start = (int)reader.TokenStartIndex;
                identity.PodTemplateHash = WorkloadMetadata.ReadTemplateHash(ref reader);
                w.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
                continue;
            }

            RawJson.CopyValue(w, json, ref reader);
        }

        if (!wroteAnnotations)
        {
            w.WriteStartObject("annotations"u8);
            w.WriteString(ClusterAnnotation, cluster);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>Copies the annotations without ours and (when pruning) the last-applied one, then adds ours.</summary>
    private void WriteAnnotations(Utf8JsonWriter w, ReadOnlySpan<byte> json, ref Utf8JsonReader reader)
    {
        w.WriteStartObject("annotations"u8);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (((prune || stripData) && reader.ValueTextEquals(LastAppliedAnnotation)) || reader.ValueTextEquals(ClusterAnnotation))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            RawJson.WritePropertyName(w, ref reader);
            reader.Read();
            RawJson.CopyValue(w, json, ref reader);
        }

        w.WriteString(ClusterAnnotation, cluster);
        w.WriteEndObject();
    }

    private struct Identity
    {
        public string Namespace;
        public string Name;
        public string Uid;
        public string ResourceVersion;
        public string? OwnerUid;
        public ControllerRef? Controller;
        public string? PodTemplateHash;
        public DateTimeOffset CreatedAt;

        public Identity()
        {
            Namespace = Name = Uid = ResourceVersion = "";
            CreatedAt = DateTimeOffset.UnixEpoch;
        }
    }
}
