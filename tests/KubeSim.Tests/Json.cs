using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Tests;

internal static class Json
{
    public static async Task<JsonObject> GetObjectAsync(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)!.AsObject();
    }

    public static string Str(this JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node?[part];
        }

        return node?.GetValue<string>() ?? throw new InvalidOperationException($"{path} missing");
    }
}
