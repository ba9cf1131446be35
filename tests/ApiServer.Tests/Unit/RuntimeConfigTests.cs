using System.Text.Json;

namespace Clusterpedia.ApiServer.Tests.Unit;

/// <summary>The runtime settings the server ships with, as the build writes them beside its assembly.</summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void ServerRuntimeConfig_ThreadPoolSpinLimit_IsZero()
    {
        var properties = ConfigProperties();

        properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32().ShouldBe(0);
    }

    [Fact]
    public void ServerRuntimeConfig_TieredPgo_IsOff()
    {
        var properties = ConfigProperties();

        properties.GetProperty("System.Runtime.TieredPGO").GetBoolean().ShouldBeFalse();
    }

    /// <summary>The server's runtimeconfig.json is copied next to the tests with the server's assembly.</summary>
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Clusterpedia.ApiServer.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
