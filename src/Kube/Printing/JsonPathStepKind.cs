namespace Clusterpedia.Kube.Printing;

/// <summary>What one step of a <see cref="SimpleJsonPath"/> selects.</summary>
internal enum JsonPathStepKind
{
    Field,
    Fields,
    Wildcard,
    Indexes,
    Slice,
    Recursive,
    Filter,
}
