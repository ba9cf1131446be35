namespace Clusterpedia.ApiServer.Security;

/// <summary>Where the install Secret lives (the server's namespace) and the files its pair is served from.</summary>
internal sealed record InstallPaths(string Namespace, string CertFile, string KeyFile);
