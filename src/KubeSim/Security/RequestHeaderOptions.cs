namespace Clusterpedia.KubeSim.Security;

/// <summary>
/// What kube-apiserver's <c>--requestheader-*</c> flags configure: the user named in request headers is trusted only
/// on connections presenting a client certificate signed by <see cref="ClientCaPem"/> whose CN is in
/// <see cref="AllowedNames"/> (any CN when empty). This is how an aggregated API server trusts its aggregator.
/// </summary>
public sealed class RequestHeaderOptions
{
    /// <summary>PEM of the CA that signs the front proxy's client certificate (<c>--requestheader-client-ca-file</c>).</summary>
    public required string ClientCaPem { get; set; }

    /// <summary>Common names allowed to assert a user (<c>--requestheader-allowed-names</c>); empty allows any.</summary>
    public IReadOnlyList<string> AllowedNames { get; set; } = ["front-proxy-client"];

    public IReadOnlyList<string> UsernameHeaders { get; set; } = ["X-Remote-User"];

    public IReadOnlyList<string> GroupHeaders { get; set; } = ["X-Remote-Group"];

    public IReadOnlyList<string> ExtraHeaderPrefixes { get; set; } = ["X-Remote-Extra-"];
}
