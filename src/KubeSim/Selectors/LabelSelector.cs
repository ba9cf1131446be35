using System.Globalization;

namespace Clusterpedia.KubeSim.Selectors;

/// <summary>
/// The label selector grammar of Kubernetes (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>,
/// <c>a notin (x)</c>, <c>a</c>, <c>!a</c>, <c>a&gt;1</c>, <c>a&lt;1</c>, comma-separated, all must hold).
/// Bad input gets a 400 whose message says what was wrong.
/// </summary>
internal sealed class LabelSelector
{
    private LabelSelector(IReadOnlyList<SelectorRequirement> requirements)
    {
        Requirements = requirements;
    }

    public IReadOnlyList<SelectorRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels) => Requirements.All(r => r.Matches(labels));

    public static LabelSelector Parse(string? text)
    {
        var requirements = new List<SelectorRequirement>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return new LabelSelector(requirements);
        }

        var position = 0;
        while (true)
        {
            SkipSpaces(text, ref position);
            requirements.Add(ParseRequirement(text, ref position));
            SkipSpaces(text, ref position);
            if (position >= text.Length)
            {
                break;
            }

            if (text[position] != ',')
            {
                throw Error(text, $"found '{text[position]}', expected: ',' or 'end of string'");
            }

            position++;
        }

        return new LabelSelector(requirements);
    }

    private static SelectorRequirement ParseRequirement(string text, ref int position)
    {
        if (position < text.Length && text[position] == '!')
        {
            position++;
            SkipSpaces(text, ref position);
            var negated = ReadKey(text, ref position);
            return new SelectorRequirement(negated, SelectorOperator.DoesNotExist, []);
        }

        var key = ReadKey(text, ref position);
        SkipSpaces(text, ref position);
        if (position >= text.Length || text[position] == ',')
        {
            return new SelectorRequirement(key, SelectorOperator.Exists, []);
        }

        if (Take(text, ref position, "=="))
        {
            return new SelectorRequirement(key, SelectorOperator.Equals, [ReadValue(text, ref position)]);
        }

        if (Take(text, ref position, "!="))
        {
            return new SelectorRequirement(key, SelectorOperator.NotEquals, [ReadValue(text, ref position)]);
        }

        if (Take(text, ref position, "="))
        {
            return new SelectorRequirement(key, SelectorOperator.Equals, [ReadValue(text, ref position)]);
        }

        if (Take(text, ref position, ">") || Take(text, ref position, "<"))
        {
            var op = text[position - 1] == '>' ? SelectorOperator.GreaterThan : SelectorOperator.LessThan;
            var number = ReadValue(text, ref position);
            if (!long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                throw Error(text, $"for 'Gt', 'Lt' operators, the value must be an integer");
            }

            return new SelectorRequirement(key, op, [number]);
        }

        var word = ReadKey(text, ref position);
        var setOperator = word switch
        {
            "in" => SelectorOperator.In,
            "notin" => SelectorOperator.NotIn,
            _ => throw Error(text, $"found '{word}', expected: in, notin, =, ==, !=, gt, lt"),
        };
        SkipSpaces(text, ref position);
        if (!Take(text, ref position, "("))
        {
            throw Error(text, "found end of string, expected: '('");
        }

        var values = new List<string>();
        while (true)
        {
            SkipSpaces(text, ref position);
            values.Add(ReadValue(text, ref position));
            SkipSpaces(text, ref position);
            if (Take(text, ref position, ")"))
            {
                break;
            }

            if (!Take(text, ref position, ","))
            {
                throw Error(text, "found end of string, expected: ',' or ')'");
            }
        }

        return new SelectorRequirement(key, setOperator, values);
    }

    private static string ReadKey(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && IsKeyChar(text[position]))
        {
            position++;
        }

        if (position == start)
        {
            throw Error(text, position < text.Length ? $"found '{text[position]}', expected: identifier" : "found end of string, expected: identifier");
        }

        return text[start..position];
    }

    private static string ReadValue(string text, ref int position)
    {
        SkipSpaces(text, ref position);
        var start = position;
        while (position < text.Length && IsKeyChar(text[position]))
        {
            position++;
        }

        return text[start..position];
    }

    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/';

    private static bool Take(string text, ref int position, string token)
    {
        if (string.CompareOrdinal(text, position, token, 0, token.Length) == 0)
        {
            position += token.Length;
            return true;
        }

        return false;
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }
    }

    private static SimulatorApiException Error(string text, string problem) =>
        SimulatorApiException.BadRequest($"unable to parse requirement: {problem} in \"{text}\"");
}
