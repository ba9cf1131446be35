namespace Clusterpedia.Kube.Patching;

/// <summary>
/// A patch that cannot be applied. <see cref="Code"/> is the HTTP status a Kubernetes server answers with:
/// 400 for a malformed patch, 422 when a well-formed patch does not fit the document (missing path, failed test).
/// </summary>
public sealed class PatchException : Exception
{
    public PatchException()
    {
    }

    public PatchException(string message)
        : base(message)
    {
        Code = 400;
    }

    public PatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 400;
    }

    public PatchException(int code, string message)
        : base(message)
    {
        Code = code;
    }

    public int Code { get; } = 400;

    /// <summary>
    /// When a <see cref="JsonPatchLimits"/> bound was hit: the name of that property (e.g. "MaxDepth"), so a server
    /// can name its own option for it in the error.
    /// </summary>
    public string? ExceededLimit { get; init; }
}
