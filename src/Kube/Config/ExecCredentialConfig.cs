namespace Clusterpedia.Kube.Config;

/// <summary>A kubeconfig user's <c>exec</c> stanza (client.authentication.k8s.io v1 or v1beta1), with the cluster it is for.</summary>
public sealed record ExecCredentialConfig(
    string Command,
    IReadOnlyList<string> Args,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    string ApiVersion,
    string InteractiveMode,
    bool ProvideClusterInfo,
    ExecClusterInfo Cluster);
