using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.KubeSim.Security;

/// <summary>
/// Issues and checks ServiceAccount tokens: JWTs signed with a key made at start (ES256), with the claims
/// kube-apiserver's TokenRequest puts in them (iss, sub, aud, exp, iat, nbf, jti, kubernetes.io). A token is valid while
/// its signature, issuer, audience and expiry hold and the ServiceAccount still exists with the same uid.
/// </summary>
internal sealed class ServiceAccountTokens : IRequestAuthenticator, ITokenAuthenticator, IDisposable
{
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";
    public const string UserPrefix = "system:serviceaccount:";

    public static readonly GroupVersionResource ServiceAccounts = new(string.Empty, "v1", "serviceaccounts");

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly SimulatorStore _store;
    private readonly TimeProvider _time;
    private readonly string _keyId;

    public ServiceAccountTokens(SimulatorStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _keyId = Base64Url(SHA256.HashData(_key.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>The user a ServiceAccount authenticates as, with upstream's two groups.</summary>
    public static UserInfo UserOf(string ns, string name, string? uid) =>
        UserInfo.Authenticated(UserPrefix + ns + ":" + name, uid, ["system:serviceaccounts", "system:serviceaccounts:" + ns]);

    /// <summary>A signed token for the ServiceAccount, valid for <paramref name="lifetime"/>.</summary>
    public (string Token, DateTimeOffset Expires) Issue(string ns, string name, string uid, IReadOnlyList<string> audiences, TimeSpan lifetime)
    {
        var now = _time.GetUtcNow();
        var expires = now + lifetime;
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "ES256", ["kid"] = _keyId });
        using var payload = new MemoryStream();
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("aud");
            foreach (var audience in audiences)
            {
                writer.WriteStringValue(audience);
            }

            writer.WriteEndArray();
            writer.WriteNumber("exp", expires.ToUnixTimeSeconds());
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteString("iss", Issuer);
            writer.WriteString("jti", Guid.NewGuid().ToString());
            writer.WriteStartObject("kubernetes.io");
            writer.WriteString("namespace", ns);
            writer.WriteStartObject("serviceaccount");
            writer.WriteString("name", name);
            writer.WriteString("uid", uid);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteNumber("nbf", now.ToUnixTimeSeconds());
            writer.WriteString("sub", UserPrefix + ns + ":" + name);
            writer.WriteEndObject();
        }

        var signingInput = Base64Url(header) + "." + Base64Url(payload.ToArray());
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return (signingInput + "." + Base64Url(signature), expires);
    }

    public AuthenticationResult Authenticate(HttpContext context) =>
        BearerToken.From(context) is { } token ? AuthenticateToken(token, [Issuer]) : AuthenticationResult.None;

    /// <summary>
    /// The ServiceAccount user of a token when it is one of ours and valid for one of <paramref name="audiences"/> (any
    /// audience of the API server's when the list is empty, as TokenReview defaults it).
    /// </summary>
    public AuthenticationResult AuthenticateToken(string token, IReadOnlyList<string> audiences)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || FromBase64Url(parts[0]) is not { } headerBytes || FromBase64Url(parts[1]) is not { } payloadBytes
            || FromBase64Url(parts[2]) is not { } signature)
        {
            return AuthenticationResult.None;
        }

        try
        {
            using var header = JsonDocument.Parse(headerBytes);
            if (!header.RootElement.TryGetProperty("kid", out var kid) || kid.GetString() != _keyId)
            {
                // Not signed by this cluster: another authenticator may know it.
                return AuthenticationResult.None;
            }

            if (!_key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256))
            {
                return AuthenticationResult.Rejected;
            }

            using var payload = JsonDocument.Parse(payloadBytes);
            var claims = payload.RootElement;
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            if (claims.GetProperty("iss").GetString() != Issuer || claims.GetProperty("exp").GetInt64() < now
                || (claims.TryGetProperty("nbf", out var nbf) && nbf.GetInt64() > now + 60)
                || !claims.GetProperty("aud").EnumerateArray().Any(a => (audiences.Count == 0 ? [Issuer] : audiences).Contains(a.GetString())))
            {
                return AuthenticationResult.Rejected;
            }

            var kubernetes = claims.GetProperty("kubernetes.io");
            var ns = kubernetes.GetProperty("namespace").GetString()!;
            var account = kubernetes.GetProperty("serviceaccount");
            var name = account.GetProperty("name").GetString()!;
            var uid = account.GetProperty("uid").GetString()!;
            var stored = _store.Get(ServiceAccounts, ns, name);
            if (stored?["metadata"]?["uid"]?.GetValue<string>() != uid)
            {
                // Deleted, or deleted and made again: the token died with the account it was issued for.
                return AuthenticationResult.Rejected;
            }

            return AuthenticationResult.Success(UserOf(ns, name, uid));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return AuthenticationResult.Rejected;
        }
    }

    public void Dispose() => _key.Dispose();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
