using Clusterpedia.Kube.Client;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>How a failure reads in a condition message: a Kubernetes Status by code, reason and message.</summary>
internal static class FailureText
{
    public static string Describe(Exception e) => e is KubeApiException k ? $"{k.StatusCode} {k.Reason}: {k.StatusMessage ?? k.Message}" : e.Message;
}
