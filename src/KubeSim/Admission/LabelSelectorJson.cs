using System.Text.Json.Nodes;
using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.KubeSim.Admission;

/// <summary>A metav1.LabelSelector object (<c>matchLabels</c>, <c>matchExpressions</c>) as a selector; absent = everything.</summary>
internal static class LabelSelectorJson
{
    /// <exception cref="SelectorParseException">A key, value or operator is not valid.</exception>
    public static LabelSelector Parse(JsonNode? node)
    {
        if (node is null)
        {
            return LabelSelector.Everything;
        }

        if (node is not JsonObject selector)
        {
            throw new SelectorParseException("must be an object");
        }

        var requirements = new List<LabelRequirement>();
        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                requirements.Add(LabelRequirement.Create(key, SelectorOperator.Equals, [Text(value)]));
            }
        }

        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions.OfType<JsonObject>())
            {
                var key = Text(expression["key"]);
                var op = Text(expression["operator"]) switch
                {
                    "In" => SelectorOperator.In,
                    "NotIn" => SelectorOperator.NotIn,
                    "Exists" => SelectorOperator.Exists,
                    "DoesNotExist" => SelectorOperator.DoesNotExist,
                    var other => throw new SelectorParseException($"\"{other}\" is not a valid label selector operator"),
                };
                var values = (expression["values"] as JsonArray)?.Select(Text) ?? [];
                requirements.Add(LabelRequirement.Create(key, op, values));
            }
        }

        return LabelSelector.FromRequirements(requirements);
    }

    /// <summary>The labels of an object (empty for none).</summary>
    public static IReadOnlyDictionary<string, string> Labels(JsonObject? obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj?["metadata"]?["labels"] is JsonObject given)
        {
            foreach (var (key, value) in given)
            {
                labels[key] = Text(value);
            }
        }

        return labels;
    }

    private static string Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString() ?? string.Empty;
}
