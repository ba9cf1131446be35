using Clusterpedia.Kube;

namespace Clusterpedia.Bench.Measurement;

/// <summary>
/// One query shape: the resource listed and its URL-form search keys (exactly what the API server would receive),
/// varied per repetition by <see cref="Parameters"/> so a result cache cannot serve every run.
/// </summary>
internal sealed record QueryScenario(
    string Name,
    string Description,
    GroupVersionResource Resource,
    Func<int, IReadOnlyList<KeyValuePair<string, string?>>> Parameters,
    double? TargetP95Ms = null);
