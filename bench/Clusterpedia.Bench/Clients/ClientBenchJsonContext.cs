using System.Text.Json.Serialization;

namespace Clusterpedia.Bench.Clients;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ClientPathResult))]
[JsonSerializable(typeof(List<ClientPathResult>))]
internal sealed partial class ClientBenchJsonContext : JsonSerializerContext;
