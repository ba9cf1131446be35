using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// A JSONPath filter such as <c>?(@.type=="Ready")</c> or <c>?(@.port &gt; 80)</c>: a path relative to the item,
/// optionally compared with a string, number or boolean literal.
/// </summary>
internal sealed class JsonPathFilter
{
    private static readonly string[] _operators = ["==", "!=", "<=", ">=", "<", ">"];

    private readonly SimpleJsonPath _left;
    private readonly string? _operator;
    private readonly JsonElement _right;

    private JsonPathFilter(SimpleJsonPath left, string? op, JsonElement right)
    {
        _left = left;
        _operator = op;
        _right = right;
    }

    /// <summary>Parses <c>(@.a.b OP literal)</c> or <c>(@.a.b)</c>; null when it is not understood.</summary>
    public static JsonPathFilter? TryParse(string text)
    {
        if (!text.StartsWith('(') || !text.EndsWith(')'))
        {
            return null;
        }

        var body = text[1..^1].Trim();
        foreach (var op in _operators)
        {
            var at = IndexOutsideQuotes(body, op);
            if (at < 0)
            {
                continue;
            }

            var left = ParseRelative(body[..at].Trim());
            var right = ParseLiteral(body[(at + op.Length)..].Trim());
            return left is null || right is null ? null : new JsonPathFilter(left, op, right.Value);
        }

        var exists = ParseRelative(body);
        return exists is null ? null : new JsonPathFilter(exists, null, default);
    }

    public bool Matches(JsonElement item)
    {
        var values = _left.Evaluate(item);
        if (values.Count == 0)
        {
            return false;
        }

        if (_operator is null)
        {
            return true;
        }

        var left = values[0];
        if (left.ValueKind == JsonValueKind.Number && _right.ValueKind == JsonValueKind.Number)
        {
            var comparison = left.GetDouble().CompareTo(_right.GetDouble());
            return Holds(comparison);
        }

        if (left.ValueKind == JsonValueKind.String && _right.ValueKind == JsonValueKind.String)
        {
            return Holds(string.CompareOrdinal(left.GetString(), _right.GetString()));
        }

        if (left.ValueKind is JsonValueKind.True or JsonValueKind.False && _right.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            var equal = left.ValueKind == _right.ValueKind;
            return _operator switch
            {
                "==" => equal,
                "!=" => !equal,
                _ => false,
            };
        }

        return _operator == "!=";
    }

    private bool Holds(int comparison) => _operator switch
    {
        "==" => comparison == 0,
        "!=" => comparison != 0,
        "<" => comparison < 0,
        ">" => comparison > 0,
        "<=" => comparison <= 0,
        ">=" => comparison >= 0,
        _ => false,
    };

    private static SimpleJsonPath? ParseRelative(string text) =>
        text.StartsWith('@') ? SimpleJsonPath.TryParse(text[1..]) : null;

    private static JsonElement? ParseLiteral(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (text.Length >= 2 && text[0] is '\'' or '"' && text[^1] == text[0])
            {
                writer.WriteStringValue(SimpleJsonPath.Unquote(text));
            }
            else if (text is "true" or "false")
            {
                writer.WriteBooleanValue(text == "true");
            }
            else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                writer.WriteNumberValue(number);
            }
            else
            {
                return null;
            }
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static int IndexOutsideQuotes(string text, string token)
    {
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (string.CompareOrdinal(text, i, token, 0, token.Length) == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
