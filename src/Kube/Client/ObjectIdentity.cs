using System.Text.Json;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// An object's namespace, name and resourceVersion, read in one pass over its top-level metadata, with the problem
/// (not an object, a field that is not a string, no name) that makes it unfit to store.
/// </summary>
public readonly record struct ObjectIdentity(string Namespace, string Name, string ResourceVersion)
{
    /// <summary>The identity as far as it can be read (empty parts where it cannot).</summary>
    public static ObjectIdentity Read(ReadOnlySpan<byte> json)
    {
        Check(json, out var identity);
        return identity;
    }

    /// <summary>
    /// Reads namespace, name and resourceVersion, insisting on their types: the problem that makes the object unfit
    /// to store, or null. On a problem the identity holds what was read before it.
    /// </summary>
    public static string? Check(ReadOnlySpan<byte> json, out ObjectIdentity identity)
    {
        identity = new ObjectIdentity("", "", "");
        var reader = new Utf8JsonReader(json, ObjectJsonLimits.ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return $"the item is {Describe(reader.TokenType)}, not an object";
            }

            string ns = "", name = "", rv = "";
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
                    return $"metadata is {Describe(reader.TokenType)}, not an object";
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = reader.ValueTextEquals("namespace"u8) ? "namespace"
                        : reader.ValueTextEquals("name"u8) ? "name"
                        : reader.ValueTextEquals("resourceVersion"u8) ? "resourceVersion"
                        : null;
                    reader.Read();
                    if (field is null)
                    {
                        reader.Skip();
                        continue;
                    }

                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                    {
                        // Named in the report when the name came first.
                        identity = new ObjectIdentity(ns, name, rv);
                        return $"metadata.{field} is {Describe(reader.TokenType)}, not a string";
                    }

                    var value = reader.GetString() ?? "";
                    _ = field switch
                    {
                        "namespace" => ns = value,
                        "name" => name = value,
                        _ => rv = value,
                    };
                }

                break;
            }

            identity = new ObjectIdentity(ns, name, rv);
            return name.Length == 0 ? "metadata.name is missing" : null;
        }
        catch (JsonException e)
        {
            return "the item is not readable JSON: " + e.Message;
        }
        catch (InvalidOperationException e)
        {
            return "the item is not readable JSON: " + e.Message;
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.None => "empty",
        _ => token.ToString(),
    };
}
