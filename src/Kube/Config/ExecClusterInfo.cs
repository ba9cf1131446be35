namespace Clusterpedia.Kube.Config;

/// <summary>What a plugin with <c>provideClusterInfo: true</c> is told about the cluster (spec.cluster of KUBERNETES_EXEC_INFO).</summary>
public sealed record ExecClusterInfo(string Server, string? TlsServerName, bool InsecureSkipTlsVerify, string? CertificateAuthorityPem, string? ProxyUrl = null);
