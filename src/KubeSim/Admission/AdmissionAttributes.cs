using System.Text.Json.Nodes;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.KubeSim.Admission;

/// <summary>
/// What admission is asked about, as kube-apiserver's admission.Attributes: the operation (CREATE, UPDATE, DELETE),
/// the resource and subresource requested, the kind of the object sent (e.g. autoscaling/v1 Scale for
/// <c>deployments/scale</c>), where it lives, the new and old objects, dry run, the operation's options and the user.
/// </summary>
internal sealed record AdmissionAttributes(
    string Operation,
    string Group,
    string Version,
    string Resource,
    string Subresource,
    string KindGroup,
    string KindVersion,
    string Kind,
    string Namespace,
    string Name,
    JsonObject? Object,
    JsonObject? OldObject,
    bool DryRun,
    JsonObject Options,
    UserInfo User)
{
    /// <summary>True for a Namespace object itself (not a subresource), which a namespaceSelector matches by its own labels.</summary>
    public bool IsNamespace => Group.Length == 0 && Resource == "namespaces" && Subresource.Length == 0;
}
