using System.Text.Json.Serialization;

namespace Clusterpedia.Bench.Results;

/// <summary>
/// A pass/fail comparison of a figure with its limit (page 1000 against page 1, or one of issue 18's targets).
/// <see cref="Comparison"/> says which side passes: <c>&lt;=</c> (the default), <c>&gt;=</c> for rates, <c>&lt;</c> for
/// "below a peer's figure".
/// </summary>
internal sealed record CheckResult(string Name, string Description, double Value, double Limit, bool Passed, string Comparison = "<=")
{
    public static CheckResult AtMost(string name, string description, double value, double limit) =>
        new(name, description, value, limit, value <= limit);

    public static CheckResult AtLeast(string name, string description, double value, double limit) =>
        new(name, description, value, limit, value >= limit, ">=");

    public static CheckResult Below(string name, string description, double value, double limit) =>
        new(name, description, value, limit, value < limit, "<");

    /// <summary>The comparison as printed: ≤, ≥ or &lt;.</summary>
    [JsonIgnore]
    public string Symbol => Comparison switch
    {
        ">=" => "≥",
        "<" => "<",
        _ => "≤",
    };
}
