using System.Buffers;
using System.Text.Json;

namespace Clusterpedia.KubeSim.Http;

/// <summary>
/// The opaque continue token, in kube-apiserver's own shape: base64 of
/// <c>{"v":"meta.k8s.io/v1","rv":&lt;list revision&gt;,"start":"&lt;last key&gt;\u0000"}</c>. A negative rv means
/// "continue at the latest revision" (the inconsistent token offered with a 410).
/// </summary>
internal static class ContinueToken
{
    public static string Encode(long resourceVersion, string lastKey)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, JsonDefaults.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("v", "meta.k8s.io/v1");
            writer.WriteNumber("rv", resourceVersion);
            writer.WriteString("start", lastKey + "\0");
            writer.WriteEndObject();
        }

        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    public static (long ResourceVersion, string StartKey) Decode(string token)
    {
        try
        {
            var bytes = Convert.FromBase64String(token);
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.GetProperty("v").GetString() != "meta.k8s.io/v1")
            {
                throw Invalid("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }

            var start = root.GetProperty("start").GetString() ?? string.Empty;
            if (start.Length == 0 || start.Contains("..", StringComparison.Ordinal))
            {
                throw Invalid("continue key is not valid: encoded start key empty or invalid");
            }

            return (root.GetProperty("rv").GetInt64(), start);
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw Invalid($"continue key is not valid: {e.Message}");
        }
    }

    private static SimulatorApiException Invalid(string message) => SimulatorApiException.BadRequest(message);
}
