using System.Text;
using System.Text.Json;

namespace Clusterpedia.Kube.Selectors;

/// <summary>
/// A path into an object as written in field selectors: <c>spec.nodeName</c>, <c>metadata.annotations['a.b/c']</c>,
/// <c>metadata.labels["app"]</c>, <c>status["phase"]</c> (Downward-API bracket syntax for keys holding dots or slashes).
/// </summary>
public sealed record FieldPath(IReadOnlyList<string> Segments)
{
    /// <summary>Parses a whole path.</summary>
    /// <exception cref="SelectorParseException">The text is not a field path.</exception>
    public static FieldPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pos = 0;
        var path = Scan(text, ref pos, out var error);
        if (path is null)
        {
            throw new SelectorParseException(error!);
        }

        if (pos != text.Length)
        {
            throw new SelectorParseException($"invalid field path '{text}': unexpected '{text[pos]}' at position {pos}");
        }

        return path;
    }

    /// <summary>Resolves the path in a JSON object; false when a segment is missing or the value is JSON null.</summary>
    public bool TryGetValue(JsonElement root, out JsonElement value)
    {
        value = root;
        foreach (var segment in Segments)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                value = default;
                return false;
            }
        }

        return value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
    }

    /// <summary>Canonical text: dotted simple names, bracketed quoted keys for anything else.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Segments.Count; i++)
        {
            var segment = Segments[i];
            if (IsSimple(segment))
            {
                if (i > 0)
                {
                    sb.Append('.');
                }

                sb.Append(segment);
            }
            else
            {
                var quote = segment.Contains('\'', StringComparison.Ordinal) ? '"' : '\'';
                sb.Append('[').Append(quote).Append(segment).Append(quote).Append(']');
            }
        }

        return sb.ToString();
    }

    public bool Equals(FieldPath? other) =>
        other is not null && Segments.SequenceEqual(other.Segments, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var segment in Segments)
        {
            hash.Add(segment, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>
    /// Scans a path starting at <paramref name="pos"/> and stops at the first character that cannot continue it
    /// (whitespace, an operator, a comma, a parenthesis); the selector parser continues from there.
    /// </summary>
    internal static FieldPath? Scan(string text, ref int pos, out string? error)
    {
        var segments = new List<string>();
        var start = pos;
        var expectName = true;
        while (pos < text.Length)
        {
            var c = text[pos];
            if (c == '[')
            {
                var segment = ScanBracket(text, ref pos, out error);
                if (segment is null)
                {
                    return null;
                }

                segments.Add(segment);
                expectName = false;
                continue;
            }

            if (c == '.')
            {
                if (segments.Count == 0 || expectName)
                {
                    error = $"invalid field path '{Excerpt(text, start)}': empty segment at position {pos}";
                    return null;
                }

                expectName = true;
                pos++;
                continue;
            }

            if (!IsNameChar(c))
            {
                break;
            }

            var nameStart = pos;
            while (pos < text.Length && IsNameChar(text[pos]))
            {
                pos++;
            }

            if (!expectName)
            {
                error = $"invalid field path '{Excerpt(text, start)}': expected '.' or '[' before '{text[nameStart..pos]}'";
                return null;
            }

            segments.Add(text[nameStart..pos]);
            expectName = false;
        }

        if (segments.Count == 0)
        {
            error = pos < text.Length
                ? $"invalid field path: found '{text[pos]}', expected: field path"
                : "invalid field path: empty";
            return null;
        }

        if (expectName)
        {
            error = $"invalid field path '{text[start..pos]}': ends with '.'";
            return null;
        }

        error = null;
        return new FieldPath(segments);
    }

    private static string? ScanBracket(string text, ref int pos, out string? error)
    {
        var open = pos;
        pos++;
        string segment;
        if (pos < text.Length && text[pos] is '\'' or '"')
        {
            var quote = text[pos];
            var close = text.IndexOf(quote, pos + 1);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ']')
            {
                error = $"invalid field path '{Excerpt(text, open)}': unterminated [{quote}...{quote}]";
                return null;
            }

            segment = text[(pos + 1)..close];
            pos = close + 2;
        }
        else
        {
            var close = text.IndexOf(']', pos);
            if (close < 0)
            {
                error = $"invalid field path '{Excerpt(text, open)}': missing ']'";
                return null;
            }

            segment = text[pos..close].Trim();
            pos = close + 1;
        }

        if (segment.Length == 0)
        {
            error = $"invalid field path '{Excerpt(text, open)}': empty key in brackets";
            return null;
        }

        error = null;
        return segment;
    }

    private static string Excerpt(string text, int start)
    {
        var end = start;
        while (end < text.Length && text[end] != ',')
        {
            end++;
        }

        return text[start..end];
    }

    private static bool IsNameChar(char c) =>
        !char.IsWhiteSpace(c) && c is not ('.' or '[' or ']' or '=' or '!' or ',' or '(' or ')' or '\'' or '"' or '\\');

    private static bool IsSimple(string segment)
    {
        foreach (var c in segment)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '$'))
            {
                return false;
            }
        }

        return segment.Length > 0;
    }
}
