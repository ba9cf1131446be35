namespace Clusterpedia.Bench.Workload;

/// <summary>How generated pods are spread over phases: mostly Running, a few of each other phase.</summary>
internal static class PodPhase
{
    public const string Running = "Running";
    public const string Pending = "Pending";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    /// <summary>Running 95 %, Pending 3 %, Succeeded 1 %, Failed 1 %.</summary>
    public static string FromRoll(int percent) => percent switch
    {
        < 95 => Running,
        < 98 => Pending,
        < 99 => Succeeded,
        _ => Failed,
    };
}
