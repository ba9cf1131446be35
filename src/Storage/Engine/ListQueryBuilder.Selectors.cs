using System.Globalization;

namespace Clusterpedia.Storage.Engine;

/// <summary>The terms of label and field selector requirements, with Kubernetes' rules for missing labels and fields.</summary>
internal static partial class ListQueryBuilder
{
    /// <summary>The term of one requirement, and whether an index serves it (the dialect's own form of a positive match).</summary>
    private static (string Condition, bool Indexed) LabelCondition(SqlStatement sql, SqlDialect dialect, LabelMatch label, bool indexForms)
    {
        const string Field = "labelSelector";
        QueryValidation.LabelKey(Field, label.Key);
        var values = label.Values ?? [];
        switch (label.Operator)
        {
            case MatchOperator.Exists:
                return (indexForms ? dialect.LabelExists(sql, label.Key) : null) is { } exists
                    ? (exists, true)
                    : ($"{dialect.LabelText(sql, label.Key)} IS NOT NULL", false);
            case MatchOperator.DoesNotExist:
                return ($"{dialect.LabelText(sql, label.Key)} IS NULL", false);
            case MatchOperator.Equals or MatchOperator.NotEquals or MatchOperator.In or MatchOperator.NotIn:
                if (label.Operator is MatchOperator.Equals or MatchOperator.NotEquals && values.Count != 1)
                {
                    throw new InvalidQueryException(Field, $"label '{label.Key}': = and != take exactly one value");
                }

                if (values.Count == 0)
                {
                    throw new InvalidQueryException(Field, $"label '{label.Key}': in and notin need at least one value");
                }

                var fast = indexForms ? dialect.LabelHasAnyValue(sql, label.Key, values) : null;
                var any = fast ?? dialect.InList(sql, dialect.LabelText(sql, label.Key), values, negate: false);

                // A missing label makes the comparison NULL: != and notin must still match it, as in Kubernetes.
                return label.Operator is MatchOperator.Equals or MatchOperator.In
                    ? ($"({any})", fast is not null)
                    : ($"NOT COALESCE(({any}), 1 = 0)", false);
            case MatchOperator.GreaterThan or MatchOperator.LessThan:
                var bound = SingleInteger(Field, label.Key, values);
                return ($"{dialect.IntegerOrNull(dialect.LabelText(sql, label.Key))} {(label.Operator == MatchOperator.GreaterThan ? ">" : "<")} {sql.Param(bound)}", false);
            default:
                throw new InvalidQueryException(Field, $"label '{label.Key}': unsupported operator");
        }
    }

    private static bool IsSingleValueEquality(LabelMatch label) =>
        label.Operator is MatchOperator.Equals or MatchOperator.In && label.Values is { Count: 1 };

    /// <summary>The <c>key=value</c> requirements (and one-value <c>in</c>) as pairs, or null when two share a key.</summary>
    private static List<KeyValuePair<string, string>>? EqualityPairs(IReadOnlyList<LabelMatch> labels)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var label in labels.Where(IsSingleValueEquality))
        {
            QueryValidation.LabelKey("labelSelector", label.Key);
            if (pairs.Any(p => p.Key == label.Key))
            {
                return null;
            }

            pairs.Add(new(label.Key, label.Values![0]));
        }

        return pairs;
    }

    private static string FieldCondition(SqlStatement sql, SqlDialect dialect, FieldMatch field)
    {
        const string Field = "fieldSelector";
        QueryValidation.FieldPath(Field, field.Path);
        var values = field.Values ?? [];
        var path = string.Join('.', field.Path);

        // metadata.name and metadata.namespace are columns: indexed and always present.
        string? column = field.Path switch
        {
            ["metadata", "name"] => "r.name",
            ["metadata", "namespace"] => "r.namespace",
            _ => null,
        };
        var text = column ?? dialect.FieldText(sql, field.Path);

        // As in Kubernetes field selectors, a missing field matches only !=, notin and !path.
        var missing = column is null ? $"{text} IS NULL OR " : "";
        switch (field.Operator)
        {
            case MatchOperator.Exists:
                return column is null ? $"{text} IS NOT NULL" : "1 = 1";
            case MatchOperator.DoesNotExist:
                return column is null ? $"{text} IS NULL" : "1 = 0";
            case MatchOperator.Equals or MatchOperator.NotEquals:
                if (values.Count != 1)
                {
                    throw new InvalidQueryException(Field, $"field '{path}': = and != take exactly one value");
                }

                return field.Operator == MatchOperator.Equals
                    ? $"{text} = {sql.Param(values[0])}"
                    : $"({missing}{text} <> {sql.Param(values[0])})";
            case MatchOperator.In or MatchOperator.NotIn:
                if (values.Count == 0)
                {
                    throw new InvalidQueryException(Field, $"field '{path}': in and notin need at least one value");
                }

                return field.Operator == MatchOperator.In
                    ? dialect.InList(sql, text, values, negate: false)
                    : $"({missing}{dialect.InList(sql, text, values, negate: true)})";
            case MatchOperator.GreaterThan or MatchOperator.LessThan:
                var bound = SingleInteger(Field, path, values);
                return $"{dialect.IntegerOrNull(text)} {(field.Operator == MatchOperator.GreaterThan ? ">" : "<")} {sql.Param(bound)}";
            default:
                throw new InvalidQueryException(Field, $"field '{path}': unsupported operator");
        }
    }

    private static long SingleInteger(string field, string key, IReadOnlyList<string> values) =>
        values.Count == 1 && long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound)
            ? bound
            : throw new InvalidQueryException(field, $"'{key}': gt and lt take exactly one integer value");
}
