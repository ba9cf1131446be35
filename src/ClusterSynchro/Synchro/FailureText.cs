using Clusterpedia.Kube.Client;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// How a failure reads in a condition message: a Kubernetes Status by code, reason and message, bounded. A body that
/// is not a Status is never echoed: a PediaCluster may point at any server, and its answer (a metadata service's
/// credentials, an internal page) must not become readable through our status.
/// </summary>
internal static class FailureText
{
    internal const int MaxMessageLength = 512;

    public static string Describe(Exception e) => e switch
    {
        KubeApiException { FromStatusObject: true } k => Bound($"{k.StatusCode} {k.Reason}: {k.StatusMessage ?? k.Message}"),
        KubeApiException k => $"{k.StatusCode} {k.Reason}: the answer was not a Kubernetes Status; its body is not shown",
        _ => Bound(e.Message),
    };

    /// <summary>A member's version as status shows it: only text shaped like a Kubernetes version (v1.30.2-gke.1), else null.</summary>
    public static string? Version(string? gitVersion) =>
        gitVersion is { Length: > 0 and <= 64 } v && char.IsAsciiDigit(v.TrimStart('v').FirstOrDefault())
            && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '_')
            ? v
            : null;

    private static string Bound(string text) => text.Length <= MaxMessageLength ? text : text[..MaxMessageLength] + "...";
}
