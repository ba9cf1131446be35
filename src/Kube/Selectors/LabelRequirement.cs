using System.Globalization;
using System.Text;

namespace Clusterpedia.Kube.Selectors;

/// <summary>
/// One requirement of a label selector, e.g. <c>app in (a,b)</c>. Values are sorted and distinct when produced by
/// <see cref="LabelSelector.Parse"/> or <see cref="Create"/>.
/// </summary>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>
    /// Builds a requirement with the checks of apimachinery's <c>NewRequirement</c> (key and value syntax, value
    /// count per operator, integers for gt/lt); values are sorted and deduplicated.
    /// </summary>
    /// <exception cref="SelectorParseException">The requirement is invalid.</exception>
    public static LabelRequirement Create(string key, SelectorOperator op, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var error = Validate(key, op, sorted);
        if (error is not null)
        {
            throw new SelectorParseException(error);
        }

        return new LabelRequirement(key, op, sorted);
    }

    /// <summary>Whether the labels of an object satisfy this requirement (Kubernetes semantics).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var has = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case SelectorOperator.In:
            case SelectorOperator.Equals:
            case SelectorOperator.DoubleEquals:
                return has && Contains(value!);
            case SelectorOperator.NotIn:
            case SelectorOperator.NotEquals:
                return !has || !Contains(value!);
            case SelectorOperator.Exists:
                return has;
            case SelectorOperator.DoesNotExist:
                return !has;
            case SelectorOperator.GreaterThan:
            case SelectorOperator.LessThan:
                if (!has || Values.Count != 1
                    || !TryParseInt64(value!, out var actual) || !TryParseInt64(Values[0], out var bound))
                {
                    return false;
                }

                return Operator == SelectorOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    /// <summary>The canonical Kubernetes form: <c>!a</c>, <c>a</c>, <c>a=b</c>, <c>a in (b,c)</c>, <c>a&gt;5</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Operator == SelectorOperator.DoesNotExist)
        {
            sb.Append('!');
        }

        sb.Append(Key);
        switch (Operator)
        {
            case SelectorOperator.Exists:
            case SelectorOperator.DoesNotExist:
                return sb.ToString();
            case SelectorOperator.Equals: sb.Append('='); break;
            case SelectorOperator.DoubleEquals: sb.Append("=="); break;
            case SelectorOperator.NotEquals: sb.Append("!="); break;
            case SelectorOperator.GreaterThan: sb.Append('>'); break;
            case SelectorOperator.LessThan: sb.Append('<'); break;
            case SelectorOperator.In: sb.Append(" in ("); break;
            case SelectorOperator.NotIn: sb.Append(" notin ("); break;
        }

        IEnumerable<string> values = Values.Count > 1 ? Values.Order(StringComparer.Ordinal) : Values;
        sb.AppendJoin(',', values);
        if (Operator is SelectorOperator.In or SelectorOperator.NotIn)
        {
            sb.Append(')');
        }

        return sb.ToString();
    }

    public bool Equals(LabelRequirement? other) =>
        other is not null
        && string.Equals(Key, other.Key, StringComparison.Ordinal)
        && Operator == other.Operator
        && Values.SequenceEqual(other.Values, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Key, StringComparer.Ordinal);
        hash.Add(Operator);
        foreach (var value in Values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>apimachinery's NewRequirement checks; returns the aggregated message or null.</summary>
    internal static string? Validate(string key, SelectorOperator op, IReadOnlyList<string> values)
    {
        var errors = new List<string>();
        var keyErrors = LabelValidation.IsQualifiedName(key);
        if (keyErrors.Count != 0)
        {
            errors.Add(GoFormat.Invalid("key", key, string.Join("; ", keyErrors)));
        }

        switch (op)
        {
            case SelectorOperator.In:
            case SelectorOperator.NotIn:
                if (values.Count == 0)
                {
                    errors.Add("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
                }

                break;
            case SelectorOperator.Equals:
            case SelectorOperator.DoubleEquals:
            case SelectorOperator.NotEquals:
                if (values.Count != 1)
                {
                    errors.Add($"values: Invalid value: {GoStringSlice(values)}: exact-match compatibility requires one single value");
                }

                break;
            case SelectorOperator.Exists:
            case SelectorOperator.DoesNotExist:
                if (values.Count != 0)
                {
                    errors.Add($"values: Invalid value: {GoStringSlice(values)}: values set must be empty for exists and does not exist");
                }

                break;
            case SelectorOperator.GreaterThan:
            case SelectorOperator.LessThan:
                if (values.Count != 1)
                {
                    errors.Add($"values: Invalid value: {GoStringSlice(values)}: for 'Gt', 'Lt' operators, exactly one value is required");
                }

                for (var i = 0; i < values.Count; i++)
                {
                    if (!TryParseInt64(values[i], out _))
                    {
                        errors.Add(GoFormat.Invalid($"values[{i}]", values[i], "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }

                break;
            default:
                errors.Add($"operator: Unsupported value: \"{op}\"");
                break;
        }

        for (var i = 0; i < values.Count; i++)
        {
            var valueErrors = LabelValidation.IsValidLabelValue(values[i]);
            if (valueErrors.Count != 0)
            {
                errors.Add(GoFormat.Invalid($"values[{i}][{key}]", values[i], string.Join("; ", valueErrors)));
            }
        }

        return errors.Count == 0 ? null : GoFormat.Aggregate(errors);
    }

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

    // strconv.ParseInt(s, 10, 64): optional sign, ASCII digits only.
    private static bool TryParseInt64(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static string GoStringSlice(IReadOnlyList<string> values) =>
        "[]string{" + string.Join(", ", values.Select(GoFormat.Quote)) + "}";
}
