using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Clusterpedia.ApiServer.Http;

/// <summary>
/// Converts YAML to JSON nodes with YAML 1.2 core-schema typing of plain scalars (true/false, integers, floats,
/// null), so <c>priority: 1</c> stays a number and <c>served: true</c> a boolean.
/// </summary>
/// <remarks>
/// Works on the parser's event stream with an explicit stack instead of YamlDotNet's recursive representation
/// model, so nesting is refused at <see cref="YamlLimits.MaxDepth"/> before it is built and hostile nesting can
/// never overflow the stack. Aliases are expanded by copying the anchored node, and the nodes copies add are
/// counted against <see cref="YamlLimits.MaxAliasNodes"/>: a few hundred bytes of nested aliases ("billion laughs")
/// are refused after a bounded amount of work instead of expanding to gigabytes.
/// </remarks>
public static partial class YamlToJson
{
    /// <summary>For trusted input (our embedded CRDs): generous, but still bounded.</summary>
    public static readonly YamlLimits Trusted = new(MaxDepth: 60, MaxAliasNodes: 1_000_000);

    public static IReadOnlyList<JsonNode?> ParseAll(string yaml, YamlLimits limits)
    {
        try
        {
            return new Builder(limits).Run(new Parser(new StringReader(yaml)));
        }
        catch (YamlException e)
        {
            throw ApiException.BadRequest($"the body is not valid YAML: {e.Message}");
        }
    }

    public static JsonNode? Parse(string yaml) => Parse(yaml, Trusted);

    public static JsonNode? Parse(string yaml, YamlLimits limits)
    {
        var docs = ParseAll(yaml, limits);
        return docs.Count switch
        {
            0 => null,
            1 => docs[0],
            _ => throw ApiException.BadRequest("the body holds several YAML documents; send one object per request"),
        };
    }

    /// <summary>One open mapping or sequence.</summary>
    private sealed class Frame(JsonNode container, string? anchor, long firstNode)
    {
        public JsonNode Container { get; } = container;

        public string? Anchor { get; } = anchor;

        /// <summary>The node count when this collection started: what it holds is the difference at its end.</summary>
        public long FirstNode { get; } = firstNode;

        /// <summary>In a mapping: the key read, waiting for its value (null while a key is expected).</summary>
        public string? PendingKey { get; set; }

        /// <summary>Levels of collections below this one (0 when it holds only scalars).</summary>
        public int Height { get; set; }
    }

    /// <summary>A node an alias can refer to: the node, its raw scalar text (for keys), size and height.</summary>
    private readonly record struct Anchored(JsonNode? Node, string? KeyText, long Nodes, int Height);

    private sealed class Builder(YamlLimits limits)
    {
        private readonly Stack<Frame> _open = new();
        private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
        private readonly List<JsonNode?> _documents = [];
        private long _nodes;
        private long _aliasNodes;
        private JsonNode? _root;

        public List<JsonNode?> Run(Parser parser)
        {
            while (Next(parser))
            {
                switch (parser.Current)
                {
                    case DocumentStart:
                        _anchors.Clear();
                        _root = null;
                        break;
                    case DocumentEnd:
                        _documents.Add(_root);
                        break;
                    case Scalar scalar:
                        OnScalar(scalar);
                        break;
                    case MappingStart mapping:
                        OnStart(new JsonObject(), mapping.Anchor);
                        break;
                    case SequenceStart sequence:
                        OnStart(new JsonArray(), sequence.Anchor);
                        break;
                    case MappingEnd or SequenceEnd:
                        OnEnd();
                        break;
                    case AnchorAlias alias:
                        OnAlias(alias);
                        break;
                    default:
                        break;
                }
            }

            return _documents;
        }

        /// <summary>
        /// The next event. YamlDotNet's scanner throws more than YamlException on some malformed input (":\n[\nr"
        /// gives InvalidOperationException); whatever it throws, the body is what it could not read.
        /// </summary>
        private static bool Next(Parser parser)
        {
            try
            {
                return parser.MoveNext();
            }
            catch (Exception e) when (e is not (YamlException or OutOfMemoryException))
            {
                throw ApiException.BadRequest($"the body is not valid YAML: the parser stopped on it ({e.Message})");
            }
        }

        private void OnScalar(Scalar scalar)
        {
            _nodes++;
            var value = ConvertScalar(scalar);
            Remember(scalar.Anchor, value, scalar.Value ?? "", 1, 0);
            if (_open.TryPeek(out var frame) && frame.Container is JsonObject && frame.PendingKey is null)
            {
                frame.PendingKey = scalar.Value ?? "";
                return;
            }

            Place(value, 0);
        }

        private void OnStart(JsonNode container, AnchorName anchor)
        {
            RefuseCollectionKey();
            if (_open.Count >= limits.MaxDepth)
            {
                throw ApiException.BadRequest($"the body nests objects and lists deeper than {limits.MaxDepth} levels ({limits.DepthLimitName})");
            }

            _nodes++;
            _open.Push(new Frame(container, anchor.IsEmpty ? null : anchor.Value, _nodes));
        }

        private void OnEnd()
        {
            var frame = _open.Pop();
            var height = frame.Height + 1;
            if (frame.Anchor is not null)
            {
                _anchors[frame.Anchor] = new Anchored(frame.Container, null, _nodes - frame.FirstNode + 1, height);
            }

            Place(frame.Container, height);
        }

        private void OnAlias(AnchorAlias alias)
        {
            if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
            {
                throw ApiException.BadRequest($"the body is not valid YAML: alias *{alias.Value.Value} refers to no anchor defined before it");
            }

            if (_open.TryPeek(out var frame) && frame.Container is JsonObject && frame.PendingKey is null)
            {
                frame.PendingKey = anchored.KeyText
                    ?? throw ApiException.BadRequest("the body is not valid YAML for an object: mapping keys must be scalars");
                return;
            }

            _aliasNodes += anchored.Nodes;
            if (_aliasNodes > limits.MaxAliasNodes)
            {
                throw ApiException.BadRequest($"the body expands YAML aliases to more than {limits.MaxAliasNodes} nodes ({limits.AliasLimitName})");
            }

            if (_open.Count + anchored.Height > limits.MaxDepth)
            {
                throw ApiException.BadRequest($"the body nests objects and lists deeper than {limits.MaxDepth} levels ({limits.DepthLimitName})");
            }

            _nodes += anchored.Nodes;
            Place(anchored.Node?.DeepClone(), anchored.Height);
        }

        private void Remember(AnchorName anchor, JsonNode? node, string keyText, long nodes, int height)
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = new Anchored(node, keyText, nodes, height);
            }
        }

        private void RefuseCollectionKey()
        {
            if (_open.TryPeek(out var frame) && frame.Container is JsonObject && frame.PendingKey is null)
            {
                throw ApiException.BadRequest("the body is not valid YAML for an object: mapping keys must be scalars");
            }
        }

        private void Place(JsonNode? value, int height)
        {
            if (!_open.TryPeek(out var parent))
            {
                _root = value;
                return;
            }

            parent.Height = Math.Max(parent.Height, height);
            if (parent.Container is JsonArray array)
            {
                array.Add(value);
                return;
            }

            var key = parent.PendingKey!;
            parent.PendingKey = null;
            var obj = (JsonObject)parent.Container;
            if (obj.ContainsKey(key))
            {
                throw ApiException.BadRequest($"the body is not valid YAML for an object: mapping key \"{key}\" is repeated");
            }

            obj[key] = value;
        }
    }

    private static JsonValue? ConvertScalar(Scalar scalar)
    {
        var value = scalar.Value ?? "";
        if (HasLoneSurrogate(value))
        {
            throw ApiException.BadRequest("the body is not valid YAML text: a string holds an unpaired UTF-16 surrogate");
        }

        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
            default:
                break;
        }

        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(value);
    }

    /// <summary>A double-quoted YAML string can spell "\ud800"; JSON writers refuse such a string later.</summary>
    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
