namespace Clusterpedia.Kube.Server;

/// <summary>One entry of a Status's <c>details.causes</c>; a null reason or field is left out, as kube-apiserver omits empty ones.</summary>
public readonly record struct StatusCause(string? Reason, string? Field, string Message);
