using System.Text.Json.Serialization;

namespace Clusterpedia.Bench.ScaleOut;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ScaleOutResult))]
internal sealed partial class ScaleOutJsonContext : JsonSerializerContext;
