using System.Text;
using System.Text.Json;
using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// Renders a metav1.LabelSelector the way <c>LabelSelectorAsSelector(...).String()</c> does: requirements sorted
/// by key, set values sorted, and the same validation, so an invalid selector can print as an error marker.
/// </summary>
internal static class LabelSelectorText
{
    /// <summary>metav1.FormatLabelSelector: <c>&lt;none&gt;</c> when empty or nil, <c>&lt;error&gt;</c> when invalid.</summary>
    public static string Format(JsonElement selector)
    {
        if (!TryRender(selector, out var text))
        {
            return "<error>";
        }

        return text.Length == 0 ? Cells.None : text;
    }

    /// <summary>The selector string; false when the selector would not convert (bad key, value or operator).</summary>
    public static bool TryRender(JsonElement selector, out string text)
    {
        text = string.Empty;
        if (selector.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var requirements = new List<(string Key, string Text)>();
        foreach (var (key, value) in selector.Prop("matchLabels").SortedStringMap())
        {
            if (!LabelValidation.IsLabelKey(key) || !LabelValidation.IsLabelValue(value))
            {
                return false;
            }

            requirements.Add((key, $"{key}={value}"));
        }

        foreach (var expression in selector.Prop("matchExpressions").Items())
        {
            var key = expression.Prop("key").Str();
            var values = new List<string>();
            foreach (var value in expression.Prop("values").Items())
            {
                values.Add(value.Str());
            }

            if (!LabelValidation.IsLabelKey(key) || !values.TrueForAll(LabelValidation.IsLabelValue))
            {
                return false;
            }

            values.Sort(string.CompareOrdinal);
            string? rendered = expression.Prop("operator").Str() switch
            {
                "In" when values.Count > 0 => $"{key} in ({string.Join(',', values)})",
                "NotIn" when values.Count > 0 => $"{key} notin ({string.Join(',', values)})",
                "Exists" when values.Count == 0 => key,
                "DoesNotExist" when values.Count == 0 => "!" + key,
                _ => null,
            };
            if (rendered is null)
            {
                return false;
            }

            requirements.Add((key, rendered));
        }

        // Stable sort by key, as the selector keeps requirements in key order.
        var ordered = requirements.Select((r, i) => (r, i))
            .OrderBy(x => x.r.Key, StringComparer.Ordinal)
            .ThenBy(x => x.i)
            .Select(x => x.r.Text);
        var builder = new StringBuilder();
        foreach (var part in ordered)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(part);
        }

        text = builder.ToString();
        return true;
    }
}
