using System.Text;
using System.Text.Json;

namespace Clusterpedia.Kube.Selectors;

/// <summary>One term of a field selector, e.g. <c>status.phase!=Running</c> or <c>spec.nodeName in (a,b)</c>.</summary>
public sealed record FieldRequirement(FieldPath Path, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>
    /// Evaluates the term against a JSON object. Scalars compare by their text (numbers as written, booleans as
    /// <c>true</c>/<c>false</c>); a missing or null field satisfies only <c>!=</c>, <c>notin</c> and <c>!path</c>.
    /// </summary>
    public bool Matches(JsonElement obj)
    {
        var has = Path.TryGetValue(obj, out var element);
        string? text = has ? ScalarText(element) : null;
        return Operator switch
        {
            SelectorOperator.Exists => has,
            SelectorOperator.DoesNotExist => !has,
            SelectorOperator.Equals or SelectorOperator.DoubleEquals or SelectorOperator.In => text is not null && Contains(text),
            SelectorOperator.NotEquals or SelectorOperator.NotIn => text is null || !Contains(text),
            _ => false,
        };
    }

    /// <summary>The selector text: <c>path=value</c> (value escaped as Kubernetes expects), <c>path in (a,b)</c>, <c>path</c>, <c>!path</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Operator == SelectorOperator.DoesNotExist)
        {
            sb.Append('!');
        }

        sb.Append(Path);
        switch (Operator)
        {
            case SelectorOperator.Equals: sb.Append('=').Append(EscapeValue(Values[0])); break;
            case SelectorOperator.DoubleEquals: sb.Append("==").Append(EscapeValue(Values[0])); break;
            case SelectorOperator.NotEquals: sb.Append("!=").Append(EscapeValue(Values[0])); break;
            case SelectorOperator.In:
            case SelectorOperator.NotIn:
                sb.Append(Operator == SelectorOperator.In ? " in (" : " notin (");
                sb.AppendJoin(',', (IEnumerable<string>)Values.Select(EscapeListValue));
                sb.Append(')');
                break;
        }

        return sb.ToString();
    }

    public bool Equals(FieldRequirement? other) =>
        other is not null
        && Path.Equals(other.Path)
        && Operator == other.Operator
        && Values.SequenceEqual(other.Values, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Path);
        hash.Add(Operator);
        foreach (var value in Values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>fields.EscapeValue: backslash-escapes <c>\</c>, <c>,</c> and <c>=</c>.</summary>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("=", "\\=", StringComparison.Ordinal);
    }

    private static string EscapeListValue(string value) =>
        EscapeValue(value).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal);

    private static string? ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private bool Contains(string value)
    {
        foreach (var candidate in Values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
