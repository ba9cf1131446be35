using System.Text.Json;

namespace Clusterpedia.ApiServer.Http;

/// <summary>
/// What <c>/version</c> answers. kubectl's dispatcher picks its binary from gitVersion, so it must look like a
/// Kubernetes release; we report the newest API level we serve.
/// </summary>
public static class ServerVersion
{
    public const string Major = "1";
    public const string Minor = "33";
    public const string GitVersion = "v1.33.0+clusterpedia";

    public static void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("major", Major);
        json.WriteString("minor", Minor);
        json.WriteString("gitVersion", GitVersion);
        json.WriteString("gitCommit", ThisAssembly());
        json.WriteString("gitTreeState", "clean");
        json.WriteString("buildDate", "2026-11-22T00:00:00Z");
        json.WriteString("goVersion", "dotnet" + Environment.Version);
        json.WriteString("compiler", "dotnet");
        json.WriteString("platform", $"linux/{(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "amd64")}");
        json.WriteEndObject();
    }

    private static string ThisAssembly() =>
        typeof(ServerVersion).Assembly.GetName().Version?.ToString() ?? "unknown";
}
