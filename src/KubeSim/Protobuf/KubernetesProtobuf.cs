using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Protobuf;

/// <summary>
/// Reads the protobuf bodies (<c>application/vnd.kubernetes.protobuf</c>) that kubectl 1.33's typed clients send, e.g.
/// for <c>kubectl create deployment</c>, and turns them into the JSON the rest of the simulator speaks. A body is the
/// magic <c>k8s\0</c> then a runtime.Unknown whose typeMeta names the kind and whose raw bytes are the object. Field
/// numbers and types come from the embedded schema (see SOURCES.txt). Like Go's JSON encoding with omitempty, empty
/// strings, zeros and false are left out (replicas and a few other pointer fields keep their zero).
/// </summary>
internal static class KubernetesProtobuf
{
    private const string _meta = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static readonly byte[] _magic = "k8s\0"u8.ToArray();
    private static readonly FrozenSet<string> _zeroMatters = FrozenSet.Create(StringComparer.Ordinal,
        "replicas", "parallelism", "completions", "backoffLimit", "minReadySeconds", "revisionHistoryLimit", "port", "value", "weight", "priority");

    private static readonly Lazy<FrozenDictionary<string, MessageSchema>> _schema = new(Load);

    public static bool IsProtobuf(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.OrdinalIgnoreCase);

    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(_magic))
        {
            throw SimulatorApiException.BadRequest("the protobuf body does not start with the Kubernetes magic number");
        }

        var schema = _schema.Value;
        var unknown = DecodeMessage(schema["k8s.io.apimachinery.pkg.runtime.Unknown"], body[_magic.Length..], keepRaw: true);
        var apiVersion = unknown["typeMeta"]?["apiVersion"]?.GetValue<string>() ?? string.Empty;
        var kind = unknown["typeMeta"]?["kind"]?.GetValue<string>() ?? string.Empty;
        var raw = unknown["raw"]?.GetValue<string>() is { } base64 ? Convert.FromBase64String(base64) : [];
        var message = FindMessage(schema, apiVersion, kind)
            ?? throw new SimulatorApiException(415, "UnsupportedMediaType", $"the simulator cannot read {kind} ({apiVersion}) as protobuf; send application/json");
        var obj = DecodeMessage(message, raw, keepRaw: false);
        var result = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        foreach (var (name, value) in obj.ToList())
        {
            obj.Remove(name);
            result[name] = value;
        }

        return result;
    }

    private static MessageSchema? FindMessage(FrozenDictionary<string, MessageSchema> schema, string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? (string.Empty, apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        var package = group.Length == 0 ? "core" : group.Split('.')[0];
        return schema.GetValueOrDefault($"k8s.io.api.{package}.{version}.{kind}");
    }

    private static JsonObject DecodeMessage(MessageSchema message, ReadOnlySpan<byte> data, bool keepRaw)
    {
        var result = new JsonObject();
        var schema = _schema.Value;
        var position = 0;
        while (position < data.Length)
        {
            var key = ReadVarint(data, ref position);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            ReadOnlySpan<byte> bytes = default;
            ulong scalar = 0;
            switch (wireType)
            {
                case 0:
                    scalar = ReadVarint(data, ref position);
                    break;
                case 1:
                    scalar = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(position, 8));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(data, ref position);
                    bytes = data.Slice(position, length);
                    position += length;
                    break;
                case 5:
                    scalar = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(position, 4));
                    position += 4;
                    break;
                default:
                    throw SimulatorApiException.BadRequest($"unsupported protobuf wire type {wireType}");
            }

            if (!message.Fields.TryGetValue(number, out var field))
            {
                continue;
            }

            if (field.Repeated && field.Type != "message" && field.Type is not ("string" or "bytes") && wireType == 2)
            {
                // Packed repeated scalars.
                var packed = bytes;
                var p = 0;
                while (p < packed.Length)
                {
                    Add(result, field, Scalar(field.Type, ReadVarint(packed, ref p)));
                }

                continue;
            }

            JsonNode? value = field.Type switch
            {
                "string" => Encoding.UTF8.GetString(bytes),
                "bytes" => keepRaw || !field.Name.Equals("raw", StringComparison.OrdinalIgnoreCase) ? Convert.ToBase64String(bytes) : RawJson(bytes),
                "message" => DecodeField(schema, field.MessageType!, bytes),
                _ => Scalar(field.Type, scalar),
            };
            if (field.Type == "message" && schema.TryGetValue(field.MessageType!, out var entry) && entry.IsMapEntry)
            {
                var map = result[field.Name] as JsonObject ?? [];
                result[field.Name] = map;
                if (value is JsonObject pair)
                {
                    map[pair["key"]?.GetValue<string>() ?? string.Empty] = pair["value"]?.DeepClone() ?? (entry.Fields[2].Type == "string" ? string.Empty : null);
                }

                continue;
            }

            Add(result, field, value);
        }

        // Go's omitempty: drop empty strings, zeros and false, except where zero is a meaningful pointer value.
        foreach (var (name, value) in result.ToList())
        {
            if (value is JsonValue v && message.Fields.Values.First(f => f.Name == name) is { Repeated: false } f
                && ((v.TryGetValue<string>(out var text) && text.Length == 0 && f.Type == "string")
                    || (v.TryGetValue<bool>(out var flag) && !flag)
                    || (v.TryGetValue<long>(out var number) && number == 0 && !_zeroMatters.Contains(name))))
            {
                result.Remove(name);
            }
        }

        return result;
    }

    private static JsonNode? DecodeField(FrozenDictionary<string, MessageSchema> schema, string messageType, ReadOnlySpan<byte> bytes)
    {
        switch (messageType)
        {
            case _meta + "Time" or _meta + "MicroTime":
                var time = DecodeMessage(schema[messageType], bytes, keepRaw: false);
                var seconds = time["seconds"]?.GetValue<long>() ?? 0;
                var nanos = time["nanos"]?.GetValue<long>() ?? 0;
                if (seconds == 0 && nanos == 0)
                {
                    return null;
                }

                var instant = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
                return messageType.EndsWith("MicroTime", StringComparison.Ordinal)
                    ? KubeTime.FormatMicro(instant)
                    : KubeTime.Format(instant);
            case "k8s.io.apimachinery.pkg.api.resource.Quantity":
                return DecodeMessage(schema[messageType], bytes, keepRaw: false)["string"]?.DeepClone() ?? "0";
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
                var intOrString = DecodeMessage(schema[messageType], bytes, keepRaw: false);
                return intOrString["type"]?.GetValue<long>() == 1
                    ? intOrString["strVal"]?.DeepClone() ?? string.Empty
                    : intOrString["intVal"]?.DeepClone() ?? 0;
            case "k8s.io.apimachinery.pkg.runtime.RawExtension" or _meta + "FieldsV1":
                var raw = DecodeMessage(schema[messageType], bytes, keepRaw: false);
                return raw["raw"] ?? raw["Raw"];
            case _meta + "Duration":
                var duration = DecodeMessage(schema[messageType], bytes, keepRaw: false)["duration"]?.GetValue<long>() ?? 0;
                return $"{TimeSpan.FromTicks(duration / 100).TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
            default:
                return schema.TryGetValue(messageType, out var nested) ? DecodeMessage(nested, bytes, keepRaw: false) : null;
        }
    }

    private static JsonNode? RawJson(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException)
        {
            return Convert.ToBase64String(bytes);
        }
    }

    private static void Add(JsonObject result, FieldSchema field, JsonNode? value)
    {
        if (!field.Repeated)
        {
            result[field.Name] = value;
            return;
        }

        var array = result[field.Name] as JsonArray ?? [];
        result[field.Name] = array;
        array.Add(value);
    }

    private static JsonValue Scalar(string type, ulong raw) => type switch
    {
        "bool" => JsonValue.Create(raw != 0),
        "int32" or "enum" => JsonValue.Create((long)(int)raw),
        "int64" or "fixed64" => JsonValue.Create((long)raw),
        "sint32" or "sint64" => JsonValue.Create((long)(raw >> 1) ^ -(long)(raw & 1)),
        "double" => JsonValue.Create(BitConverter.Int64BitsToDouble((long)raw)),
        "float" => JsonValue.Create((double)BitConverter.Int32BitsToSingle((int)raw)),
        _ => JsonValue.Create((long)raw),
    };

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw SimulatorApiException.BadRequest("malformed protobuf varint");
    }

    private static FrozenDictionary<string, MessageSchema> Load()
    {
        using var stream = typeof(KubernetesProtobuf).Assembly.GetManifestResourceStream("Protobuf.kubernetes-protobuf-schema.txt")
            ?? throw new InvalidOperationException("The embedded protobuf schema is missing.");
        using var reader = new StreamReader(stream);
        var messages = new Dictionary<string, MessageSchema>(StringComparer.Ordinal);
        string? name = null;
        Dictionary<int, FieldSchema>? fields = null;
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            if (parts[0] == "M")
            {
                if (name is not null)
                {
                    messages[name] = new MessageSchema(name, fields!);
                }

                name = parts[1];
                fields = [];
            }
            else if (parts[0] == "F" && fields is not null)
            {
                var number = int.Parse(parts[1], CultureInfo.InvariantCulture);
                var repeated = parts[3].EndsWith('*');
                fields[number] = new FieldSchema(number, parts[2], parts[3].TrimEnd('*'), repeated, parts.Length > 4 ? parts[4] : null);
            }
        }

        if (name is not null)
        {
            messages[name] = new MessageSchema(name, fields!);
        }

        return messages.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
