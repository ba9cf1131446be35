namespace Clusterpedia.Kube.Patching;

/// <summary>
/// Bounds on what one JSON patch may do, so a small patch cannot make a huge or deeply nested document: at most
/// <see cref="MaxOperations"/> operations, no result nested deeper than <see cref="MaxDepth"/>, and "copy"
/// operations duplicating at most <see cref="MaxCopiedBytes"/> of JSON in total (each copy can double the
/// document, so a few dozen of them would otherwise exhaust memory). kube-apiserver bounds the same three things.
/// </summary>
public sealed record JsonPatchLimits(int MaxOperations = 10_000, int MaxDepth = 1000, long MaxCopiedBytes = 3 * 1024 * 1024)
{
    public static readonly JsonPatchLimits Default = new();
}
