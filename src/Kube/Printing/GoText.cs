using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// How Go's kubectl JSONPath printer renders a value as text: strings as-is, integers in decimal, fractions the way
/// <c>fmt.Print(float64)</c> does, objects and arrays as compact JSON with sorted keys.
/// </summary>
internal static class GoText
{
    public static string Print(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "<no value>",
        JsonValueKind.Number => value.TryGetInt64(out var integer)
            ? integer.ToString(CultureInfo.InvariantCulture)
            : FormatFloat(value.GetDouble()),
        JsonValueKind.Object or JsonValueKind.Array => CompactJson(value),
        _ => string.Empty,
    };

    /// <summary>Go's <c>%v</c> for a float64: the shortest digits, in exponent form below 1e-4 or from 1e6 up.</summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        if (value == 0)
        {
            return "0";
        }

        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var decimalPoint = (point < 0 ? mantissa.Length : point) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        decimalPoint -= leadingZeros;

        var builder = new StringBuilder();
        if (value < 0)
        {
            builder.Append('-');
        }

        var exp = decimalPoint - 1;
        if (exp is < -4 or >= 6)
        {
            builder.Append(digits[0]);
            if (digits.Length > 1)
            {
                builder.Append('.').Append(digits, 1, digits.Length - 1);
            }

            builder.Append('e').Append(exp < 0 ? '-' : '+');
            builder.Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decimalPoint <= 0)
        {
            builder.Append("0.").Append('0', -decimalPoint).Append(digits);
        }
        else if (decimalPoint >= digits.Length)
        {
            builder.Append(digits).Append('0', decimalPoint - digits.Length);
        }
        else
        {
            builder.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
        }

        return builder.ToString();
    }

    /// <summary>encoding/json's output: compact, object keys sorted, &lt; &gt; &amp; escaped.</summary>
    public static string CompactJson(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteSorted(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan)
            .Replace("<", "\\u003c", StringComparison.Ordinal)
            .Replace(">", "\\u003e", StringComparison.Ordinal)
            .Replace("&", "\\u0026", StringComparison.Ordinal);
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteSorted(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
