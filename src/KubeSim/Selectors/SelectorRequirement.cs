using System.Globalization;

namespace Clusterpedia.KubeSim.Selectors;

/// <summary>One requirement of a label or field selector, e.g. <c>tier in (a,b)</c>.</summary>
internal sealed record SelectorRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> set)
    {
        var present = set.TryGetValue(Key, out var value);
        return Operator switch
        {
            SelectorOperator.Equals => present && Values.Contains(value!, StringComparer.Ordinal),
            SelectorOperator.In => present && Values.Contains(value!, StringComparer.Ordinal),
            // Like Kubernetes, != and notin also match objects without the key.
            SelectorOperator.NotEquals => !present || !Values.Contains(value!, StringComparer.Ordinal),
            SelectorOperator.NotIn => !present || !Values.Contains(value!, StringComparer.Ordinal),
            SelectorOperator.Exists => present,
            SelectorOperator.DoesNotExist => !present,
            SelectorOperator.GreaterThan => present && Compare(value!) > 0,
            SelectorOperator.LessThan => present && Compare(value!) < 0,
            _ => false,
        };
    }

    private int Compare(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var actual)
            ? actual.CompareTo(long.Parse(Values[0], CultureInfo.InvariantCulture))
            : 0;
}
