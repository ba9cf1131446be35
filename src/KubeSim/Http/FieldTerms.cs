using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// A field selector as kube-apiserver accepts it, parsed by src/Kube's <see cref="FieldSelector"/> and held to the
/// apiserver's subset: only <c>=</c>, <c>==</c> and <c>!=</c>, over the fields the resource declares selectable
/// (others are a 400 "field label not supported"), matched against the field values stored with each object.
/// </summary>
internal sealed class FieldTerms
{
    private readonly (string Key, bool Negated, string Value)[] _terms;

    private FieldTerms((string Key, bool Negated, string Value)[] terms)
    {
        _terms = terms;
    }

    public bool IsEmpty => _terms.Length == 0;

    public static FieldTerms Parse(string? text, Func<string, bool> isSupported)
    {
        var selector = FieldSelector.Parse(text);
        var terms = new (string Key, bool Negated, string Value)[selector.Requirements.Count];
        for (var i = 0; i < terms.Length; i++)
        {
            var requirement = selector.Requirements[i];
            if (requirement.Operator is not (SelectorOperator.Equals or SelectorOperator.DoubleEquals or SelectorOperator.NotEquals))
            {
                throw new SelectorParseException($"invalid selector: '{text}'; can't understand '{requirement}'");
            }

            var key = requirement.Path.ToString();
            if (!isSupported(key))
            {
                throw new SelectorParseException($"field label not supported: {key}");
            }

            terms[i] = (key, requirement.Operator == SelectorOperator.NotEquals, requirement.Values[0]);
        }

        return new FieldTerms(terms);
    }

    /// <summary>Like kube-apiserver, <c>!=</c> also matches an object without the field.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> fields)
    {
        foreach (var (key, negated, value) in _terms)
        {
            var equal = fields.TryGetValue(key, out var actual) && string.Equals(actual, value, StringComparison.Ordinal);
            if (equal == negated)
            {
                return false;
            }
        }

        return true;
    }
}
