using System.Globalization;
using System.Text;

namespace Clusterpedia.Kube.Selectors;

/// <summary>Small helpers reproducing Go formatting (<c>%q</c>, field.Error) so our messages match kube-apiserver's.</summary>
internal static class GoFormat
{
    /// <summary>Go's <c>strconv.Quote</c> for the characters that matter in selectors.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>field.Invalid(path, value, detail).Error()</summary>
    public static string Invalid(string path, string value, string detail) =>
        $"{path}: Invalid value: {Quote(value)}: {detail}";

    /// <summary>utilerrors.Aggregate.Error(): one message as is, several deduplicated inside brackets.</summary>
    public static string Aggregate(IReadOnlyList<string> messages)
    {
        var distinct = messages.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }
}
