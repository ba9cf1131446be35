using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Rbac;

/// <summary>A metav1.LabelSelector (matchLabels and matchExpressions) evaluated against an object's labels.</summary>
internal static class LabelSelector
{
    public static bool Matches(JsonNode? selector, JsonNode? labels)
    {
        if (selector is not JsonObject rule)
        {
            return false;
        }

        string? Label(string key) => labels?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (rule["matchLabels"] is JsonObject matchLabels
            && matchLabels.Any(p => Label(p.Key) != (p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)))
        {
            return false;
        }

        if (rule["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions)
            {
                var key = expression?["key"]?.GetValue<string>() ?? string.Empty;
                var values = expression?["values"] is JsonArray array ? array.Select(v => v?.GetValue<string>()).ToList() : [];
                var actual = Label(key);
                var ok = expression?["operator"]?.GetValue<string>() switch
                {
                    "In" => actual is not null && values.Contains(actual),
                    "NotIn" => actual is null || !values.Contains(actual),
                    "Exists" => actual is not null,
                    "DoesNotExist" => actual is null,
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }
        }

        // An empty selector matches nothing here: kube-controller-manager skips empty clusterRoleSelectors.
        return rule["matchLabels"] is JsonObject { Count: > 0 } || rule["matchExpressions"] is JsonArray { Count: > 0 };
    }
}
