using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Clusterpedia.ClusterSynchro.Tests.Hosted;

/// <summary>Reads the repository's YAML manifests (crds/) as JSON objects, plain scalars typed as YAML 1.2's core schema.</summary>
public static class YamlManifests
{
    /// <summary>Every document of every <c>*.yaml</c> file in the repository's <c>crds/</c> folder.</summary>
    public static IReadOnlyList<JsonObject> RepositoryCrds()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clusterpedia.slnx")))
        {
            dir = dir.Parent;
        }

        var crds = dir is null ? null : Path.Combine(dir.FullName, "crds");
        if (crds is null || !Directory.Exists(crds))
        {
            throw new InvalidOperationException($"the repository's crds/ folder was not found above {AppContext.BaseDirectory}");
        }

        return [.. Directory.GetFiles(crds, "*.yaml").Order(StringComparer.Ordinal).SelectMany(f => Parse(File.ReadAllText(f)))];
    }

    public static IEnumerable<JsonObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        // Through text once, so the nodes are element-backed as a server's parsed request body is (an in-memory long
        // is not readable as an int).
        return stream.Documents.Select(d => Convert(d.RootNode)).OfType<JsonObject>().Select(o => JsonNode.Parse(o.ToJsonString())!.AsObject());
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "null" or "~" or "" => null,
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ => JsonValue.Create(value),
        };
    }
}
