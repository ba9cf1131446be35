using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Clusterpedia.ApiServer.Configuration;

/// <summary>
/// The whole configuration as one JSON document in the <c>CLUSTERPEDIA_CONFIG</c> environment variable (filled from a
/// ConfigMap in a cluster install), shaped like appsettings.json. It ranks above appsettings files and below plain
/// environment variables and command-line flags, so an operator can still override one key of the ConfigMap.
/// </summary>
public static class ClusterpediaConfig
{
    public const string EnvironmentVariable = "CLUSTERPEDIA_CONFIG";

    /// <summary>Adds <paramref name="json"/> (nothing when empty) after the appsettings files and before environment variables.</summary>
    public static void Add(ConfigurationManager configuration, string? json)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(json))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind is not JsonValueKind.Object)
            {
                throw new InvalidConfigurationException($"{EnvironmentVariable}: the document must be a JSON object of sections (like appsettings.json), not {document.RootElement.ValueKind}");
            }
        }
        catch (JsonException e)
        {
            throw new InvalidConfigurationException($"{EnvironmentVariable}: not valid JSON: {e.Message}", e);
        }

        var sources = configuration.Sources;
        var index = sources.Count;
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is FileConfigurationSource)
            {
                index = i + 1;
                break;
            }

            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" })
            {
                index = i;
            }
        }

        try
        {
            sources.Insert(index, new ClusterpediaConfigSource(Encoding.UTF8.GetBytes(json)));
        }
        catch (FormatException e)
        {
            // The JSON provider's own refusals, e.g. a key given twice.
            throw new InvalidConfigurationException($"{EnvironmentVariable}: {e.Message}", e);
        }
    }
}
