namespace Clusterpedia.Kube.Config;

/// <summary>
/// Whether a kubeconfig may name an exec credential plugin, and which. A plugin is a command the server runs: fine
/// in a kubeconfig the operator wrote (the host kubeconfig), not in one an API user sent (a PediaCluster's
/// <c>spec.kubeconfig</c>), where it would let anyone who may create PediaClusters run commands on the server.
/// </summary>
public sealed class ExecPluginPolicy
{
    /// <summary>No plugin may run: a kubeconfig whose user has <c>exec</c> is refused.</summary>
    public static ExecPluginPolicy Disallowed { get; } = new() { Allowed = false };

    /// <summary>Any plugin may run (operator-supplied kubeconfig files).</summary>
    public static ExecPluginPolicy AllowAll { get; } = new() { Allowed = true };

    public bool Allowed { get; init; }

    /// <summary>When not empty, the only commands allowed: absolute paths, compared after resolving the command's path.</summary>
    public IReadOnlyList<string> AllowedCommands { get; init; } = [];

    /// <summary>Longest run of the plugin; it is killed after this and the request fails.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
