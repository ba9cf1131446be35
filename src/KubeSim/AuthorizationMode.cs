namespace Clusterpedia.KubeSim;

/// <summary>How the simulator authorizes requests (kube-apiserver's <c>--authorization-mode</c>, the two that matter here).</summary>
public enum AuthorizationMode
{
    /// <summary>RBAC when credentials are configured and <see cref="SimulatorOptions.AllowAnonymous"/> is off, else AlwaysAllow.</summary>
    Default,

    /// <summary>Role-based access control over the stored Roles, ClusterRoles and bindings; system:masters always allowed.</summary>
    Rbac,

    /// <summary>Every authenticated request is allowed.</summary>
    AlwaysAllow,
}
