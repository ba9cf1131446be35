namespace Clusterpedia.Kube.Server;

/// <summary>The Table <c>includeObject</c> option: what each row's <c>object</c> holds.</summary>
public enum IncludeObject
{
    None,
    Metadata,
    Object,
}
