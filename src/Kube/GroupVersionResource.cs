namespace Clusterpedia.Kube;

/// <summary>Identifies a resource collection of the Kubernetes API, e.g. ("apps", "v1", "deployments").</summary>
public readonly record struct GroupVersionResource(string Group, string Version, string Resource)
{
    /// <summary>The API path prefix: <c>/api/v1</c> for the core group, <c>/apis/{group}/{version}</c> otherwise.</summary>
    public string ApiPrefix => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    /// <summary>The group-qualified name kubectl uses, e.g. <c>deployments.apps</c> or <c>pods</c>.</summary>
    public string GroupResource => Group.Length == 0 ? Resource : $"{Resource}.{Group}";

    /// <summary>apiVersion as written in objects: <c>v1</c> or <c>apps/v1</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public override string ToString() => Group.Length == 0 ? $"{Version}/{Resource}" : $"{Group}/{Version}/{Resource}";
}
