namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Whom to believe for X-Remote-* headers (k8s.io/apiserver requestheader): a front proxy presenting a client
/// certificate of <see cref="ClientCa"/> whose CN is one of <see cref="AllowedNames"/> (any, when empty).
/// </summary>
internal sealed record RequestHeaderConfig(
    ClientCertificates ClientCa,
    IReadOnlyList<string> AllowedNames,
    IReadOnlyList<string> UsernameHeaders,
    IReadOnlyList<string> GroupHeaders,
    IReadOnlyList<string> ExtraHeaderPrefixes);
