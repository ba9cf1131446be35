namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// What a request asks to do, in the terms of a SubjectAccessReview's resourceAttributes / nonResourceAttributes
/// (k8s.io/apiserver authorizer.Attributes): a verb on a resource (group, version, resource, subresource, namespace,
/// name) or on a non-resource path.
/// </summary>
internal sealed record AccessAttributes(
    string Verb,
    string Group = "",
    string Version = "",
    string Resource = "",
    string Subresource = "",
    string Namespace = "",
    string Name = "",
    string? NonResourcePath = null)
{
    public bool IsResourceRequest => NonResourcePath is null;
}
