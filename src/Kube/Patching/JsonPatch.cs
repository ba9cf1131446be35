using System.Globalization;
using System.Text.Json.Nodes;

namespace Clusterpedia.Kube.Patching;

/// <summary>RFC 6902 JSON patch (add, remove, replace, move, copy, test) over JsonNode trees.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        var doc = document.DeepClone();
        var index = 0;
        foreach (var opNode in operations)
        {
            if (opNode is not JsonObject op)
            {
                throw new PatchException(400, $"json patch: operation {index} is not an object");
            }

            var kind = op["op"]?.GetValue<string>() ?? throw new PatchException(400, $"json patch: operation {index} has no \"op\"");
            var path = op["path"]?.GetValue<string>() ?? throw new PatchException(400, $"json patch: operation {index} has no \"path\"");
            switch (kind)
            {
                case "add":
                    doc = Add(doc, path, op["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(doc, path);
                    break;
                case "replace":
                    Remove(doc, path);
                    doc = Add(doc, path, op["value"]?.DeepClone());
                    break;
                case "move":
                    var from = op["from"]?.GetValue<string>() ?? throw new PatchException(400, $"json patch: operation {index} has no \"from\"");
                    var moved = Get(doc, from);
                    Remove(doc, from);
                    doc = Add(doc, path, moved);
                    break;
                case "copy":
                    var source = op["from"]?.GetValue<string>() ?? throw new PatchException(400, $"json patch: operation {index} has no \"from\"");
                    doc = Add(doc, path, Get(doc, source)?.DeepClone());
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

    private static JsonNode Add(JsonNode doc, string path, JsonNode? value)
    {
        var segs = Split(path);
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
