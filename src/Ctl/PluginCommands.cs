using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.Ctl;

/// <summary>
/// <c>pediactl plugin create|list|delete</c>: WorkloadPlugin objects (plugins.clusterpedia.io/v1alpha1) of the server,
/// with deepflow-ctl's flags. The server validates a script on upload (422 with the Lua error and line).
/// </summary>
internal static class PluginCommands
{
    public const string Collection = "/apis/plugins.clusterpedia.io/v1alpha1/workloadplugins";

    private static readonly string[] _header = ["NAME", "TYPE", "USER", "LOADED", "DISABLED", "CALLS", "FAILURES", "ERROR", "CREATED_AT"];

    public static async Task<int> CreateAsync(CtlConnection connection, string type, string imagePath, string name, string user, TextWriter stdout, CancellationToken ct)
    {
        if (!File.Exists(imagePath))
        {
            throw new CtlException($"the plugin file \"{imagePath}\" does not exist (--image)");
        }

        var script = await File.ReadAllTextAsync(imagePath, ct).ConfigureAwait(false);
        var spec = new JsonObject { ["type"] = type, ["script"] = script, ["user"] = user };
        var obj = new JsonObject
        {
            ["apiVersion"] = "plugins.clusterpedia.io/v1alpha1",
            ["kind"] = "WorkloadPlugin",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        };
        using var client = await connection.ConnectAsync(ct).ConfigureAwait(false);
        try
        {
            await client.PostRawAsync(Collection, Encoding.UTF8.GetBytes(obj.ToJsonString()), ct).ConfigureAwait(false);
            await stdout.WriteLineAsync($"workloadplugin.plugins.clusterpedia.io/{name} created").ConfigureAwait(false);
            return 0;
        }
        catch (KubeApiException e) when (e.StatusCode == 409)
        {
            // An upload of a plugin that exists replaces its script, as deepflow-ctl's re-upload does.
            var existing = JsonNode.Parse(await client.GetRawAsync($"{Collection}/{Uri.EscapeDataString(name)}", ct).ConfigureAwait(false))!.AsObject();
            existing["spec"] = spec.DeepClone();
            await client.PutRawAsync($"{Collection}/{Uri.EscapeDataString(name)}", Encoding.UTF8.GetBytes(existing.ToJsonString()), ct).ConfigureAwait(false);
            await stdout.WriteLineAsync($"workloadplugin.plugins.clusterpedia.io/{name} replaced").ConfigureAwait(false);
            return 0;
        }
    }

    public static async Task<int> ListAsync(CtlConnection connection, TextWriter stdout, CancellationToken ct)
    {
        using var client = await connection.ConnectAsync(ct).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(await client.GetRawAsync(Collection, ct).ConfigureAwait(false));
        var rows = new List<string[]> { _header };
        foreach (var item in doc.RootElement.GetProperty("items").EnumerateArray())
        {
            var status = item.TryGetProperty("status", out var s) ? s : default;
            var error = Str(status, "error");
            rows.Add(
            [
                Str(item.GetProperty("metadata"), "name"),
                Str(item.GetProperty("spec"), "type"),
                Str(item.GetProperty("spec"), "user") is { Length: > 0 } u ? u : "server",
                Bool(status, "loaded"),
                Bool(status, "disabled"),
                Num(status, "calls"),
                Num(status, "failures"),
                error.Length == 0 ? "<none>" : error,
                Str(item.GetProperty("metadata"), "creationTimestamp"),
            ]);
        }

        await TextTable.WriteAsync(stdout, rows).ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> DeleteAsync(CtlConnection connection, string name, TextWriter stdout, CancellationToken ct)
    {
        using var client = await connection.ConnectAsync(ct).ConfigureAwait(false);
        await client.DeleteRawAsync($"{Collection}/{Uri.EscapeDataString(name)}", ct).ConfigureAwait(false);
        await stdout.WriteLineAsync($"workloadplugin.plugins.clusterpedia.io \"{name}\" deleted").ConfigureAwait(false);
        return 0;
    }

    private static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static string Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? (v.GetBoolean() ? "true" : "false")
            : "<unknown>";

    private static string Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : "0";
}
