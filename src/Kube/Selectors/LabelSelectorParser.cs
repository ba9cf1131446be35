namespace Clusterpedia.Kube.Selectors;

/// <summary>
/// Parses the Kubernetes label selector grammar the way apimachinery's <c>labels.Parse</c> does: same tokens, same
/// recursive descent, same error messages, so a selector accepted or rejected by kube-apiserver is accepted or
/// rejected here with the same words.
/// </summary>
internal sealed class LabelSelectorParser
{
    internal const string BinaryOperators = "in, notin, =, ==, !=, gt, lt";

    private readonly List<(LabelToken Token, string Literal)> _items = [];
    private int _position;

    private LabelSelectorParser(string text)
    {
        var pos = 0;
        while (true)
        {
            var item = Lex(text, ref pos);
            _items.Add(item);
            if (item.Token == LabelToken.EndOfString)
            {
                break;
            }
        }
    }

    /// <summary>Parses <paramref name="text"/>; returns the requirements sorted by key, or an error message.</summary>
    public static List<LabelRequirement>? Parse(string text, out string? error)
    {
        var parser = new LabelSelectorParser(text);
        var requirements = parser.ParseSelector(out error);
        if (requirements is null)
        {
            return null;
        }

        // Kubernetes sorts by key for deterministic output; a stable sort keeps equal keys in input order.
        var sorted = requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        return sorted;
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsSpecialSymbol(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';

    private static (LabelToken Token, string Literal) Lex(string s, ref int pos)
    {
        while (pos < s.Length && IsWhitespace(s[pos]))
        {
            pos++;
        }

        if (pos >= s.Length)
        {
            return (LabelToken.EndOfString, string.Empty);
        }

        var c = s[pos];
        if (IsSpecialSymbol(c))
        {
            pos++;
            var next = pos < s.Length ? s[pos] : '\0';
            switch (c)
            {
                case '!' when next == '=':
                    pos++;
                    return (LabelToken.NotEquals, "!=");
                case '=' when next == '=':
                    pos++;
                    return (LabelToken.DoubleEquals, "==");
                case '!': return (LabelToken.DoesNotExist, "!");
                case '=': return (LabelToken.Equals, "=");
                case '(': return (LabelToken.OpenPar, "(");
                case ')': return (LabelToken.ClosedPar, ")");
                case ',': return (LabelToken.Comma, ",");
                case '>': return (LabelToken.GreaterThan, ">");
                default: return (LabelToken.LessThan, "<");
            }
        }

        var start = pos;
        while (pos < s.Length && !IsSpecialSymbol(s[pos]) && !IsWhitespace(s[pos]))
        {
            pos++;
        }

        var literal = s[start..pos];
        return literal switch
        {
            "in" => (LabelToken.In, literal),
            "notin" => (LabelToken.NotIn, literal),
            _ => (LabelToken.Identifier, literal),
        };
    }

    // In the Values context the keywords in/notin are plain identifiers: `in in (in)` is key "in", value "in".
    private (LabelToken Token, string Literal) Lookahead(bool values)
    {
        var item = _items[_position];
        return values && item.Token is LabelToken.In or LabelToken.NotIn ? (LabelToken.Identifier, item.Literal) : item;
    }

    private (LabelToken Token, string Literal) Consume(bool values)
    {
        var item = Lookahead(values);
        _position++;
        return item;
    }

    private List<LabelRequirement>? ParseSelector(out string? error)
    {
        var requirements = new List<LabelRequirement>();
        while (true)
        {
            var (token, literal) = Lookahead(values: true);
            switch (token)
            {
                case LabelToken.Identifier:
                case LabelToken.DoesNotExist:
                    var requirement = ParseRequirement(out error);
                    if (requirement is null)
                    {
                        error = "unable to parse requirement: " + error;
                        return null;
                    }

                    requirements.Add(requirement);
                    var (t, l) = Consume(values: true);
                    switch (t)
                    {
                        case LabelToken.EndOfString:
                            error = null;
                            return requirements;
                        case LabelToken.Comma:
                            var (t2, l2) = Lookahead(values: true);
                            if (t2 is not (LabelToken.Identifier or LabelToken.DoesNotExist))
                            {
                                error = $"found '{l2}', expected: identifier after ','";
                                return null;
                            }

                            break;
                        default:
                            error = $"found '{l}', expected: ',' or 'end of string'";
                            return null;
                    }

                    break;
                case LabelToken.EndOfString:
                    error = null;
                    return requirements;
                default:
                    error = $"found '{literal}', expected: !, identifier, or 'end of string'";
                    return null;
            }
        }
    }

    private LabelRequirement? ParseRequirement(out string? error)
    {
        if (!ParseKeyAndInferOperator(out var key, out var op, out error))
        {
            return null;
        }

        List<string>? values;
        if (op is SelectorOperator.Exists or SelectorOperator.DoesNotExist)
        {
            values = [];
        }
        else
        {
            var (token, literal) = Consume(values: false);
            switch (token)
            {
                case LabelToken.In: op = SelectorOperator.In; break;
                case LabelToken.NotIn: op = SelectorOperator.NotIn; break;
                case LabelToken.Equals: op = SelectorOperator.Equals; break;
                case LabelToken.DoubleEquals: op = SelectorOperator.DoubleEquals; break;
                case LabelToken.NotEquals: op = SelectorOperator.NotEquals; break;
                case LabelToken.GreaterThan: op = SelectorOperator.GreaterThan; break;
                case LabelToken.LessThan: op = SelectorOperator.LessThan; break;
                default:
                    error = $"found '{literal}', expected: {BinaryOperators}";
                    return null;
            }

            values = op is SelectorOperator.In or SelectorOperator.NotIn ? ParseValues(out error) : ParseExactValue(out error);
            if (values is null)
            {
                return null;
            }
        }

        var sorted = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        error = LabelRequirement.Validate(key, op, sorted);
        return error is null ? new LabelRequirement(key, op, sorted) : null;
    }

    private bool ParseKeyAndInferOperator(out string key, out SelectorOperator op, out string? error)
    {
        key = string.Empty;
        op = SelectorOperator.Equals;
        var notExists = false;
        var (token, literal) = Consume(values: true);
        if (token == LabelToken.DoesNotExist)
        {
            notExists = true;
            (token, literal) = Consume(values: true);
        }

        if (token != LabelToken.Identifier)
        {
            error = $"found '{literal}', expected: identifier";
            return false;
        }

        var keyErrors = LabelValidation.IsQualifiedName(literal);
        if (keyErrors.Count != 0)
        {
            // apimachinery validates the key here with a nil field path, hence the "<nil>".
            error = GoFormat.Invalid("<nil>", literal, string.Join("; ", keyErrors));
            return false;
        }

        key = literal;
        if (notExists)
        {
            op = SelectorOperator.DoesNotExist;
        }
        else if (Lookahead(values: true).Token is LabelToken.EndOfString or LabelToken.Comma)
        {
            op = SelectorOperator.Exists;
        }

        error = null;
        return true;
    }

    private List<string>? ParseValues(out string? error)
    {
        var (token, literal) = Consume(values: true);
        if (token != LabelToken.OpenPar)
        {
            error = $"found '{literal}' expected: '('";
            return null;
        }

        (token, literal) = Lookahead(values: true);
        switch (token)
        {
            case LabelToken.Identifier:
            case LabelToken.Comma:
                var list = ParseIdentifiersList(out error);
                if (list is null)
                {
                    return null;
                }

                if (Consume(values: true).Token != LabelToken.ClosedPar)
                {
                    error = $"found '{literal}', expected: ')'";
                    return null;
                }

                return list;
            case LabelToken.ClosedPar:
                // "()" is the set holding the empty string, as in Kubernetes.
                Consume(values: true);
                error = null;
                return [string.Empty];
            default:
                error = $"found '{literal}', expected: ',', ')' or identifier";
                return null;
        }
    }

    private List<string>? ParseIdentifiersList(out string? error)
    {
        var values = new List<string>();
        while (true)
        {
            var (token, literal) = Consume(values: true);
            switch (token)
            {
                case LabelToken.Identifier:
                    values.Add(literal);
                    var (t2, l2) = Lookahead(values: true);
                    switch (t2)
                    {
                        case LabelToken.Comma:
                            continue;
                        case LabelToken.ClosedPar:
                            error = null;
                            return values;
                        default:
                            error = $"found '{l2}', expected: ',' or ')'";
                            return null;
                    }

                case LabelToken.Comma:
                    // Empty values are allowed: "(,a)", "(a,)", "(a,,b)" all hold "".
                    if (values.Count == 0)
                    {
                        values.Add(string.Empty);
                    }

                    var next = Lookahead(values: true).Token;
                    if (next == LabelToken.ClosedPar)
                    {
                        values.Add(string.Empty);
                        error = null;
                        return values;
                    }

                    if (next == LabelToken.Comma)
                    {
                        Consume(values: true);
                        values.Add(string.Empty);
                    }

                    break;
                default:
                    error = $"found '{literal}', expected: ',', or identifier";
                    return null;
            }
        }
    }

    private List<string>? ParseExactValue(out string? error)
    {
        error = null;
        if (Lookahead(values: true).Token is LabelToken.EndOfString or LabelToken.Comma)
        {
            return [string.Empty];
        }

        var (token, literal) = Consume(values: true);
        if (token == LabelToken.Identifier)
        {
            return [literal];
        }

        error = $"found '{literal}', expected: identifier";
        return null;
    }
}
