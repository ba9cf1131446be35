using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// The subset of kubectl JSONPath that CRD printer columns use: <c>.a.b</c>, <c>['a.b']</c>, <c>[0]</c>, <c>[-1]</c>,
/// <c>[1:3]</c>, <c>[*]</c>, <c>.*</c>, <c>..name</c> and filters such as <c>[?(@.type=="Ready")]</c>. Missing keys
/// yield no result rather than an error, as with <c>AllowMissingKeys(true)</c>.
/// </summary>
internal sealed class SimpleJsonPath
{
    private readonly List<JsonPathStep> _steps;

    private SimpleJsonPath(List<JsonPathStep> steps)
    {
        _steps = steps;
    }

    /// <summary>Parses a path such as <c>.status.conditions[?(@.type=="Ready")].status</c>; null when it is not understood.</summary>
    public static SimpleJsonPath? TryParse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1].Trim();
        }

        if (text.StartsWith('$'))
        {
            text = text[1..];
        }

        var steps = new List<JsonPathStep>();
        return TryParseSteps(text, steps) ? new SimpleJsonPath(steps) : null;
    }

    /// <summary>Every value the path selects, in document order.</summary>
    public List<JsonElement> Evaluate(JsonElement root)
    {
        var current = new List<JsonElement> { root };
        foreach (var step in _steps)
        {
            var next = new List<JsonElement>();
            foreach (var element in current)
            {
                step.Apply(element, next);
            }

            current = next;
            if (current.Count == 0)
            {
                break;
            }
        }

        return current;
    }

    private static bool TryParseSteps(string text, List<JsonPathStep> steps)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                if (i + 1 < text.Length && text[i + 1] == '.')
                {
                    i += 2;
                    var recursiveName = ReadName(text, ref i);
                    steps.Add(new JsonPathStep(JsonPathStepKind.Recursive, recursiveName));
                    if (recursiveName.Length == 0 && i < text.Length && text[i] == '[')
                    {
                        continue;
                    }

                    if (recursiveName.Length > 0)
                    {
                        steps.Add(recursiveName == "*" ? new JsonPathStep(JsonPathStepKind.Wildcard) : new JsonPathStep(JsonPathStepKind.Field, recursiveName));
                    }

                    continue;
                }

                i++;
                var name = ReadName(text, ref i);
                if (name == "*")
                {
                    steps.Add(new JsonPathStep(JsonPathStepKind.Wildcard));
                }
                else if (name.Length > 0)
                {
                    steps.Add(new JsonPathStep(JsonPathStepKind.Field, name));
                }
            }
            else if (text[i] == '[')
            {
                var end = FindClosingBracket(text, i);
                if (end < 0 || !TryParseBracket(text[(i + 1)..end].Trim(), steps))
                {
                    return false;
                }

                i = end + 1;
            }
            else if (char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            else
            {
                var name = ReadName(text, ref i);
                if (name.Length == 0)
                {
                    return false;
                }

                steps.Add(new JsonPathStep(JsonPathStepKind.Field, name));
            }
        }

        return true;
    }

    private static string ReadName(string text, ref int i)
    {
        var builder = new StringBuilder();
        while (i < text.Length && text[i] is not ('.' or '['))
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            builder.Append(text[i]);
            i++;
        }

        return builder.ToString().Trim();
    }

    private static int FindClosingBracket(string text, int open)
    {
        char? quote = null;
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '[':
                    depth++;
                    break;
                case ']':
                    depth--;
                    if (depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }

        return -1;
    }

    private static bool TryParseBracket(string content, List<JsonPathStep> steps)
    {
        if (content == "*")
        {
            steps.Add(new JsonPathStep(JsonPathStepKind.Wildcard));
            return true;
        }

        if (content.StartsWith('?'))
        {
            var filter = JsonPathFilter.TryParse(content[1..].Trim());
            if (filter is null)
            {
                return false;
            }

            steps.Add(new JsonPathStep(JsonPathStepKind.Filter, Filter: filter));
            return true;
        }

        var parts = SplitOutsideQuotes(content, ',');
        var names = new List<string>();
        var indexes = new List<int>();
        foreach (var raw in parts)
        {
            var part = raw.Trim();
            if (part.Length >= 2 && part[0] is '\'' or '"' && part[^1] == part[0])
            {
                names.Add(Unquote(part));
            }
            else if (part.Contains(':', StringComparison.Ordinal))
            {
                if (parts.Count != 1 || !TryParseSlice(part, out var slice))
                {
                    return false;
                }

                steps.Add(new JsonPathStep(JsonPathStepKind.Slice, Slice: slice));
                return true;
            }
            else if (int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
            {
                indexes.Add(index);
            }
            else if (part.Length > 0)
            {
                names.Add(part);
            }
        }

        if (names.Count > 0 && indexes.Count > 0)
        {
            return false;
        }

        if (names.Count > 0)
        {
            steps.Add(new JsonPathStep(JsonPathStepKind.Fields, Names: names));
            return true;
        }

        if (indexes.Count > 0)
        {
            steps.Add(new JsonPathStep(JsonPathStepKind.Indexes, Indexes: indexes));
            return true;
        }

        return false;
    }

    private static bool TryParseSlice(string part, out (int? Start, int? End, int Step) slice)
    {
        slice = default;
        var pieces = part.Split(':');
        if (pieces.Length > 3)
        {
            return false;
        }

        var values = new int?[3];
        for (var p = 0; p < pieces.Length; p++)
        {
            var piece = pieces[p].Trim();
            if (piece.Length == 0)
            {
                continue;
            }

            if (!int.TryParse(piece, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            values[p] = value;
        }

        var step = values[2] ?? 1;
        if (step <= 0)
        {
            return false;
        }

        slice = (values[0], values[1], step);
        return true;
    }

    internal static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        char? quote = null;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    internal static string Unquote(string quoted)
    {
        var builder = new StringBuilder();
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            if (quoted[i] == '\\' && i + 1 < quoted.Length - 1)
            {
                i++;
            }

            builder.Append(quoted[i]);
        }

        return builder.ToString();
    }
}
