namespace Clusterpedia.KubeSim.Selectors;

/// <summary>
/// Field selectors as kube-apiserver accepts them: <c>field=value</c>, <c>field==value</c>, <c>field!=value</c>,
/// comma-separated, over the fields the resource declares selectable; others are a 400 "field label not supported".
/// </summary>
internal sealed class FieldSelector
{
    private FieldSelector(IReadOnlyList<SelectorRequirement> requirements)
    {
        Requirements = requirements;
    }

    public IReadOnlyList<SelectorRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> fields) =>
        Requirements.All(r => r.Operator == SelectorOperator.Equals
            ? fields.TryGetValue(r.Key, out var value) && string.Equals(value, r.Values[0], StringComparison.Ordinal)
            : !fields.TryGetValue(r.Key, out var other) || !string.Equals(other, r.Values[0], StringComparison.Ordinal));

    public static FieldSelector Parse(string? text, Func<string, bool> isSupported)
    {
        var requirements = new List<SelectorRequirement>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return new FieldSelector(requirements);
        }

        foreach (var part in text.Split(','))
        {
            var term = part.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            string key;
            string value;
            SelectorOperator op;
            int index;
            if ((index = term.IndexOf("!=", StringComparison.Ordinal)) > 0)
            {
                (key, value, op) = (term[..index], term[(index + 2)..], SelectorOperator.NotEquals);
            }
            else if ((index = term.IndexOf("==", StringComparison.Ordinal)) > 0)
            {
                (key, value, op) = (term[..index], term[(index + 2)..], SelectorOperator.Equals);
            }
            else if ((index = term.IndexOf('=', StringComparison.Ordinal)) > 0)
            {
                (key, value, op) = (term[..index], term[(index + 1)..], SelectorOperator.Equals);
            }
            else
            {
                throw SimulatorApiException.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
            }

            key = key.Trim();
            if (!isSupported(key))
            {
                throw SimulatorApiException.BadRequest($"field label not supported: {key}");
            }

            requirements.Add(new SelectorRequirement(key, op, [value.Trim()]));
        }

        return new FieldSelector(requirements);
    }
}
