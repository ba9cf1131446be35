using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// The opaque keyset position of a page: base64url of {"s": sort signature, "k": [last row's sort values], "r": the
/// store's revision the page was read at}. The next page starts strictly after that row, so concurrent inserts and
/// deletes never shift it (no duplicates, no gaps); "r" lets any replica serve the next page from a state no older
/// than the previous page's (<see cref="RevisionOf"/>).
/// </summary>
internal static class ContinueToken
{
    private const int _maxLength = 4096;
    private static readonly long _minUnixMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long _maxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static string Encode(IReadOnlyList<SortKey> sort, StoredResource last, long revision)
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
            writer.WriteNumber("r", revision);
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
                values[i] = sort[i].IsNumeric ? Number(sort[i], value) : Text(value);
                i++;
            }

            return values;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // Invalid UTF-8 and escaped lone surrogates surface here (GetString cannot transcode them).
            throw Invalid("it is not a continue token from a previous page");
        }
    }

    /// <summary>
    /// The revision a token's page was read at; null for an offset, a token of an older server or anything else (the
    /// token itself is validated by <see cref="Decode"/> where the list is built).
    /// </summary>
    public static long? RevisionOf(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > _maxLength)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(token));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("r", out var revision)
                && revision.ValueKind == JsonValueKind.Number
                && revision.TryGetInt64(out var value) && value >= 0
                ? value
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    private static long Number(SortKey key, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw Invalid("a sort value is malformed");
        }

        // A creation time must be a date the engines can hold: unix milliseconds from year 1 to 9999.
        return key.Column != SortColumn.CreatedAt
            || (number >= _minUnixMilliseconds && number <= _maxUnixMilliseconds)
            ? number
            : throw Invalid("a creation time in it is out of range");
    }

    /// <summary>Text bound as a SQL parameter: well-formed UTF-16 without NUL, which PostgreSQL text cannot hold.</summary>
    private static string Text(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid("a sort value is malformed");
        }

        var text = value.GetString()!;
        return text.Contains('\0', StringComparison.Ordinal) || !IsWellFormed(text)
            ? throw Invalid("a sort value holds characters no object name can hold")
            : text;
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Signature(IReadOnlyList<SortKey> sort) => string.Join(',', sort.Select(k => k.Signature));

    private static InvalidQueryException Invalid(string why) =>
        new("continue", $"invalid continue token: {why}; pass the token of the previous page or a non-negative offset");
}
