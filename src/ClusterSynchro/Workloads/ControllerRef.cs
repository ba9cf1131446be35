using System.Text.Json;

namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>The controlling owner reference of an object (the one marked controller, else the first), as far as workloads need it.</summary>
public readonly record struct ControllerRef(string ApiVersion, string Kind, string Name, string Uid)
{
    /// <summary>The API group of <see cref="ApiVersion"/> ("" for v1).</summary>
    public string Group => ApiVersion.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? ApiVersion[..slash] : "";

    /// <summary>
    /// The controller among <c>metadata.ownerReferences</c>: the entry with <c>controller: true</c>, else the first
    /// entry with a uid; null when there is none. Entries of the wrong shape are skipped.
    /// </summary>
    public static ControllerRef? Of(JsonElement ownerReferences)
    {
        if (ownerReferences.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        ControllerRef? first = null;
        foreach (var o in ownerReferences.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty("uid", out var uid) || uid.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var owner = new ControllerRef(Text(o, "apiVersion"), Text(o, "kind"), Text(o, "name"), uid.GetString() ?? "");
            if (o.TryGetProperty("controller", out var c) && c.ValueKind == JsonValueKind.True)
            {
                return owner;
            }

            first ??= owner;
        }

        return first;
    }

    /// <summary>
    /// As <see cref="Of(JsonElement)"/>, straight from a reader on the array's StartArray (it ends on its EndArray):
    /// the same answer without building a document. A property named twice counts with its last value, as
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> does.
    /// </summary>
    public static ControllerRef? Read(ref Utf8JsonReader reader)
    {
        ControllerRef? first = null, controller = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            string apiVersion = "", kind = "", name = "";
            string? uid = null;
            var isController = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("uid"u8) ? 1
                    : reader.ValueTextEquals("controller"u8) ? 2
                    : reader.ValueTextEquals("apiVersion"u8) ? 3
                    : reader.ValueTextEquals("kind"u8) ? 4
                    : reader.ValueTextEquals("name"u8) ? 5
                    : 0;
                reader.Read();
                var text = field is 1 or 3 or 4 or 5 && reader.TokenType == JsonTokenType.String ? reader.GetString() ?? "" : null;
                switch (field)
                {
                    case 1: uid = text; break;
                    case 2: isController = reader.TokenType == JsonTokenType.True; break;
                    case 3: apiVersion = text ?? ""; break;
                    case 4: kind = text ?? ""; break;
                    case 5: name = text ?? ""; break;
                    default: break;
                }

                reader.Skip();
            }

            if (uid is null)
            {
                continue;
            }

            var owner = new ControllerRef(apiVersion, kind, name, uid);
            if (isController)
            {
                controller ??= owner;
            }

            first ??= owner;
        }

        return controller ?? first;
    }

    private static string Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
