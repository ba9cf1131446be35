using System.Globalization;
using System.Text;

namespace Clusterpedia.ApiServer.Http;

/// <summary>
/// Formats a <c>Warning: 299 - "text"</c> header value as kube-apiserver sends it. The text often echoes request
/// input (an unknown field's name), and a header value may only hold printable ASCII: anything else is written as
/// a \u escape, quotes and backslashes are escaped, and long texts are cut, so no input can make the response
/// headers invalid (Kestrel refuses them with an exception) or huge.
/// </summary>
public static class WarningHeader
{
    /// <summary>Characters of text kept per warning; kube-apiserver truncates warnings too.</summary>
    public const int MaxTextLength = 256;

    /// <summary>Warnings one response carries at most; the rest are summarized in one more.</summary>
    public const int MaxCount = 50;

    public static string Format(string text)
    {
        var value = new StringBuilder("299 - \"", Math.Min(text.Length, MaxTextLength) + 16);
        var kept = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (kept++ == MaxTextLength)
            {
                value.Append("...");
                break;
            }

            var c = rune.Value;
            if (c is '"' or '\\')
            {
                value.Append('\\').Append((char)c);
            }
            else if (c is >= 0x20 and < 0x7F)
            {
                value.Append((char)c);
            }
            else
            {
                value.Append(c <= 0xFFFF ? "\\u" + c.ToString("x4", CultureInfo.InvariantCulture) : "\\U" + c.ToString("x8", CultureInfo.InvariantCulture));
            }
        }

        return value.Append('"').ToString();
    }

    /// <summary>Appends one Warning header per text, at most <see cref="MaxCount"/>, then one saying how many were left out.</summary>
    public static void Append(HttpResponse response, IReadOnlyList<string> texts)
    {
        for (var i = 0; i < texts.Count && i < MaxCount; i++)
        {
            response.Headers.Append("Warning", Format(texts[i]));
        }

        if (texts.Count > MaxCount)
        {
            response.Headers.Append("Warning", Format($"{texts.Count - MaxCount} more warnings not shown"));
        }
    }
}
