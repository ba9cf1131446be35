using Microsoft.Extensions.Configuration.Json;

namespace Clusterpedia.ApiServer.Configuration;

/// <summary>
/// The CLUSTERPEDIA_CONFIG document as a configuration source, read by the framework's JSON provider. It keeps the
/// bytes rather than a stream: the configuration manager rebuilds every provider when a source is inserted before
/// others, and a stream can be read only once.
/// </summary>
internal sealed class ClusterpediaConfigSource(byte[] utf8Json) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        new JsonStreamConfigurationProvider(new JsonStreamConfigurationSource { Stream = new MemoryStream(utf8Json, writable: false) });
}
