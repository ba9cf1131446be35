using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clusterpedia.Kube.Patching;

/// <summary>
/// RFC 6902 JSON patch (add, remove, replace, move, copy, test) over JsonNode trees, within
/// <see cref="JsonPatchLimits"/> so that no patch can build a document deeper or larger than its bounds allow.
/// </summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray operations) => Apply(document, operations, JsonPatchLimits.Default);

    public static JsonNode Apply(JsonNode document, JsonArray operations, JsonPatchLimits limits)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(limits);
        if (operations.Count > limits.MaxOperations)
        {
            throw new PatchException(413, $"json patch: the allowed maximum operations in a JSON patch is {limits.MaxOperations}, got {operations.Count}")
            {
                ExceededLimit = nameof(JsonPatchLimits.MaxOperations),
            };
        }

        var doc = document.DeepClone();
        var copied = 0L;
        var index = 0;
        foreach (var opNode in operations)
        {
            if (opNode is not JsonObject op)
            {
                throw new PatchException(400, $"json patch: operation {index} is not an object");
            }

            var kind = Member(op, "op", index);
            var path = Member(op, "path", index);
            switch (kind)
            {
                case "add":
                    doc = Add(doc, path, op["value"]?.DeepClone(), limits, index);
                    break;
                case "remove":
                    Remove(doc, path);
                    break;
                case "replace":
                    Remove(doc, path);
                    doc = Add(doc, path, op["value"]?.DeepClone(), limits, index);
                    break;
                case "move":
                    var from = Member(op, "from", index);
                    var moved = Get(doc, from);
                    Remove(doc, from);
                    doc = Add(doc, path, moved, limits, index);
                    break;
                case "copy":
                    var source = Get(doc, Member(op, "from", index));
                    copied += JsonSize(source, limits);
                    if (copied > limits.MaxCopiedBytes)
                    {
                        throw new PatchException(413, $"json patch: operation {index}: copy operations would duplicate more than {limits.MaxCopiedBytes} bytes in total")
                        {
                            ExceededLimit = nameof(JsonPatchLimits.MaxCopiedBytes),
                        };
                    }

                    doc = Add(doc, path, source?.DeepClone(), limits, index);
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), op["value"]))
                    {
                        throw new PatchException(422, $"json patch: test operation {index} failed at {path}");
                    }

                    break;
                default:
                    throw new PatchException(400, $"json patch: operation {index}: unknown op \"{kind}\": allowed are add, remove, replace, move, copy, test");
            }

            index++;
        }

        return doc;
    }

    /// <summary>"op", "path" and "from" are strings; anything else is a malformed patch, named as such.</summary>
    private static string Member(JsonObject op, string name, int index) => op[name] switch
    {
        null => throw new PatchException(400, $"json patch: operation {index} has no \"{name}\""),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw new PatchException(400, $"json patch: operation {index}: \"{name}\" must be a string, got {other.GetValueKind().ToString().ToLowerInvariant()}"),
    };

    /// <summary>Bytes of a value written as JSON, counted without keeping them.</summary>
    private static long JsonSize(JsonNode? node, JsonPatchLimits limits)
    {
        if (node is null)
        {
            return 4;
        }

        using var writer = new Utf8JsonWriter(Stream.Null, new JsonWriterOptions { MaxDepth = limits.MaxDepth + 1, SkipValidation = true });
        node.WriteTo(writer);
        writer.Flush();
        return writer.BytesCommitted;
    }

    /// <summary>Levels of objects and arrays in a tree (0 for a scalar), walked without recursion.</summary>
    private static int Height(JsonNode? node)
    {
        var max = 0;
        var pending = new Stack<(JsonNode Node, int Level)>();
        if (node is JsonObject or JsonArray)
        {
            pending.Push((node, 1));
        }

        while (pending.TryPop(out var item))
        {
            max = Math.Max(max, item.Level);
            var children = item.Node is JsonObject o ? o.Select(p => p.Value) : item.Node.AsArray();
            foreach (var child in children)
            {
                if (child is JsonObject or JsonArray)
                {
                    pending.Push((child, item.Level + 1));
                }
            }
        }

        return max;
    }

    private static List<string> Split(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (path[0] != '/')
        {
            throw new PatchException(400, $"json patch: path \"{path}\" must start with '/'");
        }

        return [.. path[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static JsonNode? Get(JsonNode doc, string path) => Get(doc, Split(path), path);

    private static JsonNode? Get(JsonNode doc, IEnumerable<string> segments, string path)
    {
        JsonNode? node = doc;
        foreach (var seg in segments)
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(seg, out var v) => v,
                JsonArray a when int.TryParse(seg, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw new PatchException(422, $"json patch: path \"{path}\" does not exist"),
            };
        }

        return node;
    }

    private static JsonNode Add(JsonNode doc, string path, JsonNode? value, JsonPatchLimits limits, int index)
    {
        var segs = Split(path);
        if (segs.Count + Height(value) > limits.MaxDepth)
        {
            throw new PatchException(422, $"json patch: operation {index}: the result would nest objects and lists deeper than {limits.MaxDepth} levels")
            {
                ExceededLimit = nameof(JsonPatchLimits.MaxDepth),
            };
        }

        if (segs.Count == 0)
        {
            return value ?? throw new PatchException(400, "json patch: cannot replace the document with null");
        }

        var parent = Get(doc, segs[..^1], path);
        var last = segs[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new PatchException(422, $"json patch: cannot add at \"{path}\"");
        }

        return doc;
    }

    private static void Remove(JsonNode doc, string path)
    {
        var segs = Split(path);
        if (segs.Count == 0)
        {
            throw new PatchException(400, "json patch: cannot remove the whole document");
        }

        var parent = Get(doc, segs[..^1], path);
        var last = segs[^1];
        var removed = parent switch
        {
            JsonObject o => o.Remove(last),
            JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => RemoveAt(a, i),
            _ => false,
        };
        if (!removed)
        {
            throw new PatchException(422, $"json patch: path \"{path}\" does not exist");
        }
    }

    private static bool RemoveAt(JsonArray array, int index)
    {
        array.RemoveAt(index);
        return true;
    }
}
