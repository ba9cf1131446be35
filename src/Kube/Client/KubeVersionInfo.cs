namespace Clusterpedia.Kube.Client;

/// <summary>The server's <c>/version</c> answer.</summary>
public sealed record KubeVersionInfo(string GitVersion, string Major, string Minor, string Platform);
