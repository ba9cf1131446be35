using System.Text.Json.Nodes;

namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// <c>spec.authenticationFrom</c>: credentials kept in Secrets of the host cluster instead of in the PediaCluster.
/// Only hosted mode can read them (the Secrets live where the PediaCluster lives).
/// </summary>
public sealed record AuthenticationFromSpec
{
    public SecretKeyRef? Kubeconfig { get; init; }

    public SecretKeyRef? Ca { get; init; }

    public SecretKeyRef? Token { get; init; }

    public SecretKeyRef? Cert { get; init; }

    public SecretKeyRef? Key { get; init; }

    /// <summary>The references that are set, with their field names (<c>kubeconfig</c>, <c>ca</c>, ...), in spec order.</summary>
    public IEnumerable<(string Field, SecretKeyRef Ref)> Refs()
    {
        (string, SecretKeyRef?)[] all = [("kubeconfig", Kubeconfig), ("ca", Ca), ("token", Token), ("cert", Cert), ("key", Key)];
        return all.Where(x => x.Item2 is not null).Select(x => (x.Item1, x.Item2!));
    }

    /// <summary>A stable text of the references, for change detection.</summary>
    public string Fingerprint => string.Join(';', Refs().Select(r => $"{r.Field}={r.Ref.Name}/{r.Ref.Key}"));

    /// <summary>Reads <c>spec.authenticationFrom</c>; null when it is absent or names no Secret key.</summary>
    public static AuthenticationFromSpec? FromNode(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            return null;
        }

        var spec = new AuthenticationFromSpec
        {
            Kubeconfig = Ref(obj["kubeconfig"]),
            Ca = Ref(obj["ca"]),
            Token = Ref(obj["token"]),
            Cert = Ref(obj["cert"]),
            Key = Ref(obj["key"]),
        };
        return spec.Refs().Any() ? spec : null;
    }

    private static SecretKeyRef? Ref(JsonNode? node) =>
        node is JsonObject o ? new SecretKeyRef(Str(o["name"]), Str(o["key"])) : null;

    private static string Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
}
