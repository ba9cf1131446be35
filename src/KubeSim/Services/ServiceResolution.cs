namespace Clusterpedia.KubeSim.Services;

/// <summary>
/// Where a Service reference leads: the URL to call and the DNS name its serving certificate must carry
/// (<c>name.namespace.svc</c>, what kube-apiserver verifies), or why it cannot be reached (<see cref="Reason"/> is
/// the machine-readable part, as in an APIService's Available condition).
/// </summary>
internal sealed record ServiceResolution(Uri? Url, string? ServerName, string? Reason, string? Problem)
{
    public static ServiceResolution Failed(string reason, string problem) => new(null, null, reason, problem);
}
