using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Clusterpedia.Kube;
using Clusterpedia.Storage;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Turns an object as a member cluster sends it into the row we store, in one pass over its bytes: adds the
/// apiVersion and kind that list items of built-in types lack, stamps the cluster-name annotation, drops
/// managedFields and the last-applied annotation (unless pruning is off), and extracts the indexed columns.
/// </summary>
public sealed class ObjectTransformer(string cluster, GroupVersionResource resource, string kind, bool prune)
{
    public const string ClusterAnnotation = "shadow.clusterpedia.io/cluster-name";
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    public string Cluster => cluster;

    /// <summary>Reads only namespace, name and resourceVersion: enough to skip objects that did not change.</summary>
    public static (string Namespace, string Name, string ResourceVersion) PeekIdentity(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string ns = "", name = "", rv = "";
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("an object must be a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("namespace"u8))
                {
                    reader.Read();
                    ns = reader.GetString() ?? "";
                }
                else if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    name = reader.GetString() ?? "";
                }
                else if (reader.ValueTextEquals("resourceVersion"u8))
                {
                    reader.Read();
                    rv = reader.GetString() ?? "";
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            break;
        }

        return (ns, name, rv);
    }

    public ResourceRecord Transform(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var root = doc.RootElement;
        var buffer = new ArrayBufferWriter<byte>(json.Length + 128);
        string ns = "", name = "", uid = "", rv = "";
        string? ownerUid = null;
        var created = DateTimeOffset.UnixEpoch;
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("apiVersion"u8, resource.ApiVersion);
            w.WriteString("kind"u8, kind);
            foreach (var prop in root.EnumerateObject())
            {
                if (prop.NameEquals("apiVersion"u8) || prop.NameEquals("kind"u8))
                {
                    continue;
                }

                if (!prop.NameEquals("metadata"u8) || prop.Value.ValueKind != JsonValueKind.Object)
                {
                    prop.WriteTo(w);
                    continue;
                }

                w.WriteStartObject("metadata"u8);
                var wroteAnnotations = false;
                foreach (var m in prop.Value.EnumerateObject())
                {
                    if (m.NameEquals("managedFields"u8) && prune)
                    {
                        continue;
                    }

                    if (m.NameEquals("annotations"u8) && m.Value.ValueKind == JsonValueKind.Object)
                    {
                        WriteAnnotations(w, m.Value);
                        wroteAnnotations = true;
                        continue;
                    }

                    switch (m.Name)
                    {
                        case "namespace": ns = m.Value.GetString() ?? ""; break;
                        case "name": name = m.Value.GetString() ?? ""; break;
                        case "uid": uid = m.Value.GetString() ?? ""; break;
                        case "resourceVersion": rv = m.Value.GetString() ?? ""; break;
                        case "creationTimestamp" when m.Value.ValueKind == JsonValueKind.String:
                            DateTimeOffset.TryParse(m.Value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out created);
                            break;
                        case "ownerReferences" when m.Value.ValueKind == JsonValueKind.Array:
                            ownerUid = ControllerUid(m.Value);
                            break;
                        default:
                            break;
                    }

                    m.WriteTo(w);
                }

                if (!wroteAnnotations)
                {
                    w.WriteStartObject("annotations"u8);
                    w.WriteString(ClusterAnnotation, cluster);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return new ResourceRecord
        {
            Cluster = cluster,
            Group = resource.Group,
            Version = resource.Version,
            Resource = resource.Resource,
            Kind = kind,
            Namespace = ns,
            Name = name,
            Uid = uid,
            ResourceVersion = rv,
            OwnerUid = ownerUid,
            CreatedAt = created,
            Object = buffer.WrittenMemory,
        };
    }

    private void WriteAnnotations(Utf8JsonWriter w, JsonElement annotations)
    {
        w.WriteStartObject("annotations"u8);
        foreach (var a in annotations.EnumerateObject())
        {
            if ((prune && a.NameEquals(LastAppliedAnnotation)) || a.NameEquals(ClusterAnnotation))
            {
                continue;
            }

            a.WriteTo(w);
        }

        w.WriteString(ClusterAnnotation, cluster);
        w.WriteEndObject();
    }

    private static string? ControllerUid(JsonElement owners)
    {
        string? first = null;
        foreach (var o in owners.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty("uid", out var uid) || uid.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            if (o.TryGetProperty("controller", out var c) && c.ValueKind == JsonValueKind.True)
            {
                return uid.GetString();
            }

            first ??= uid.GetString();
        }

        return first;
    }
}
