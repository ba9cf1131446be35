using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// The opaque keyset position of a page: base64url of {"s": sort signature, "k": [last row's sort values]}. The next
/// page starts strictly after that row, so concurrent inserts and deletes never shift it (no duplicates, no gaps).
/// </summary>
internal static class ContinueToken
{
    private const int _maxLength = 4096;

    public static string Encode(IReadOnlyList<SortKey> sort, StoredResource last)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("s", Signature(sort));
            writer.WriteStartArray("k");
            foreach (var key in sort)
            {
                switch (key.ValueOf(last))
                {
                    case long number:
                        writer.WriteNumberValue(number);
                        break;
                    case string text:
                        writer.WriteStringValue(text);
                        break;
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.WrittenSpan);
    }

    /// <summary>The sort values of the row the page continues after.</summary>
    /// <exception cref="InvalidQueryException">Not a token of this sort.</exception>
    public static object[] Decode(string token, IReadOnlyList<SortKey> sort)
    {
        if (token.Length > _maxLength)
        {
            throw Invalid("it is too long");
        }

        byte[] json;
        try
        {
            json = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw Invalid("it is not a continue token from a previous page");
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("s", out var signature) || signature.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("k", out var keys) || keys.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("it is not a continue token from a previous page");
            }

            if (signature.GetString() != Signature(sort) || keys.GetArrayLength() != sort.Count)
            {
                throw Invalid("it was issued for another order; keep the same orderby while paging");
            }

            var values = new object[sort.Count];
            var i = 0;
            foreach (var value in keys.EnumerateArray())
            {
                values[i] = sort[i].IsNumeric
                    ? value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : throw Invalid("a sort value is malformed")
                    : value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid("a sort value is malformed");
                i++;
            }

            return values;
        }
        catch (JsonException)
        {
            throw Invalid("it is not a continue token from a previous page");
        }
    }

    private static string Signature(IReadOnlyList<SortKey> sort) => string.Join(',', sort.Select(k => k.Signature));

    private static InvalidQueryException Invalid(string why) =>
        new("continue", $"invalid continue token: {why}; pass the token of the previous page or a non-negative offset");
}
