using System.Globalization;
using System.Text;

namespace Clusterpedia.Kube.Selectors;

/// <summary>
/// Parses field selectors: the Kubernetes grammar (<c>path=value</c>, <c>==</c>, <c>!=</c>, values escaped with a
/// backslash, empty terms ignored) plus our enhanced forms <c>path in (a,b)</c>, <c>path notin (a)</c>, <c>path</c>
/// (exists) and <c>!path</c>, where a path may use brackets: <c>metadata.annotations['a.b/c']</c>.
/// </summary>
internal sealed class FieldSelectorParser
{
    private readonly string _text;
    private int _pos;

    private FieldSelectorParser(string text)
    {
        _text = text;
    }

    public static List<FieldRequirement>? Parse(string text, out string? error)
    {
        var parser = new FieldSelectorParser(text);
        var requirements = new List<FieldRequirement>();
        while (true)
        {
            parser.SkipWhitespace();
            if (parser.AtEnd)
            {
                break;
            }

            if (parser.Current == ',')
            {
                // Kubernetes ignores empty terms ("a=b,,c=d", a trailing comma).
                parser._pos++;
                continue;
            }

            var requirement = parser.ParseTerm(out error);
            if (requirement is null)
            {
                return null;
            }

            requirements.Add(requirement);
            parser.SkipWhitespace();
            if (parser.AtEnd)
            {
                break;
            }

            if (parser.Current != ',')
            {
                error = $"invalid selector: '{text}'; found '{parser.Current}', expected: ',' or 'end of string'";
                return null;
            }

            parser._pos++;
        }

        error = null;
        return requirements.OrderBy(r => r.Path.ToString(), StringComparer.Ordinal).ToList();
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Current => _text[_pos];

    private void SkipWhitespace()
    {
        while (!AtEnd && char.IsWhiteSpace(Current))
        {
            _pos++;
        }
    }

    private FieldRequirement? ParseTerm(out string? error)
    {
        var termStart = _pos;
        var negated = false;
        if (Current == '!' && (_pos + 1 >= _text.Length || _text[_pos + 1] != '='))
        {
            negated = true;
            _pos++;
            SkipWhitespace();
        }

        var path = FieldPath.Scan(_text, ref _pos, out error);
        if (path is null)
        {
            error = $"invalid selector: '{_text}'; can't understand '{Term(termStart)}': {error}";
            return null;
        }

        SkipWhitespace();
        if (AtEnd || Current == ',')
        {
            return new FieldRequirement(path, negated ? SelectorOperator.DoesNotExist : SelectorOperator.Exists, []);
        }

        if (!negated)
        {
            var op = MatchOperator();
            if (op is { } exact)
            {
                // Kubernetes keeps the value verbatim (spaces included) up to the next unescaped comma.
                var value = ReadRawValue(stopAtParen: false);
                var unescaped = Unescape(value, allowParens: false, out error);
                return unescaped is null ? null : new FieldRequirement(path, exact, [unescaped]);
            }

            var notIn = TryKeyword("notin");
            if (notIn || TryKeyword("in"))
            {
                var values = ParseValueList(out error);
                return values is null ? null : new FieldRequirement(path, notIn ? SelectorOperator.NotIn : SelectorOperator.In, values);
            }
        }

        error = $"invalid selector: '{_text}'; can't understand '{Term(termStart)}'";
        return null;
    }

    private SelectorOperator? MatchOperator()
    {
        if (string.CompareOrdinal(_text, _pos, "!=", 0, 2) == 0)
        {
            _pos += 2;
            return SelectorOperator.NotEquals;
        }

        if (string.CompareOrdinal(_text, _pos, "==", 0, 2) == 0)
        {
            _pos += 2;
            return SelectorOperator.DoubleEquals;
        }

        if (Current == '=')
        {
            _pos++;
            return SelectorOperator.Equals;
        }

        return null;
    }

    private bool TryKeyword(string keyword)
    {
        if (string.CompareOrdinal(_text, _pos, keyword, 0, keyword.Length) != 0)
        {
            return false;
        }

        var end = _pos + keyword.Length;
        if (end < _text.Length && !char.IsWhiteSpace(_text[end]) && _text[end] != '(')
        {
            return false;
        }

        _pos = end;
        return true;
    }

    private List<string>? ParseValueList(out string? error)
    {
        SkipWhitespace();
        if (AtEnd || Current != '(')
        {
            error = $"invalid selector: '{_text}'; found '{(AtEnd ? string.Empty : Current.ToString())}' expected: '('";
            return null;
        }

        _pos++;
        var values = new List<string>();
        while (true)
        {
            var raw = ReadRawValue(stopAtParen: true);
            if (AtEnd)
            {
                error = $"invalid selector: '{_text}'; found '', expected: ',' or ')'";
                return null;
            }

            var trimmed = raw.Trim();
            var closing = Current == ')';
            if (!(closing && trimmed.Length == 0 && values.Count == 0))
            {
                var value = Unescape(trimmed, allowParens: true, out error);
                if (value is null)
                {
                    return null;
                }

                if (!values.Contains(value, StringComparer.Ordinal))
                {
                    values.Add(value);
                }
            }

            _pos++;
            if (closing)
            {
                break;
            }
        }

        if (values.Count == 0)
        {
            error = $"invalid selector: '{_text}'; for 'in', 'notin' operators, values set can't be empty";
            return null;
        }

        values.Sort(StringComparer.Ordinal);
        error = null;
        return values;
    }

    // Reads up to an unescaped ',' (or ')' inside a list) without consuming it; escapes are resolved later.
    private string ReadRawValue(bool stopAtParen)
    {
        var start = _pos;
        while (!AtEnd)
        {
            var c = Current;
            if (c == '\\' && _pos + 1 < _text.Length)
            {
                _pos += 2;
                continue;
            }

            if (c == ',' || (stopAtParen && c == ')'))
            {
                break;
            }

            _pos++;
        }

        return _text[start.._pos];
    }

    // fields.UnescapeValue, with the same messages; inside in/notin lists '(' and ')' may be escaped too.
    private static string? Unescape(string value, bool allowParens, out string? error)
    {
        error = null;
        if (value.AsSpan().IndexOfAny("\\,=") < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        var inSlash = false;
        foreach (var c in value)
        {
            if (inSlash)
            {
                if (c is '\\' or ',' or '=' || (allowParens && c is '(' or ')'))
                {
                    sb.Append(c);
                    inSlash = false;
                    continue;
                }

                error = $"invalid field selector: invalid escape sequence: \\{c}";
                return null;
            }

            switch (c)
            {
                case '\\':
                    inSlash = true;
                    break;
                case ',':
                case '=':
                    // Go prints the rune with %v, i.e. its code point.
                    error = "invalid field selector: unescaped character in value: " + ((int)c).ToString(CultureInfo.InvariantCulture);
                    return null;
                default:
                    sb.Append(c);
                    break;
            }
        }

        if (inSlash)
        {
            error = "invalid field selector: invalid escape sequence: \\";
            return null;
        }

        return sb.ToString();
    }

    private string Term(int start)
    {
        var end = start;
        var inSlash = false;
        while (end < _text.Length)
        {
            var c = _text[end];
            if (inSlash)
            {
                inSlash = false;
            }
            else if (c == '\\')
            {
                inSlash = true;
            }
            else if (c == ',')
            {
                break;
            }

            end++;
        }

        return _text[start..end];
    }
}
