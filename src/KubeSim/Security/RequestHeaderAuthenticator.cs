using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.KubeSim.Security;

/// <summary>
/// kube-apiserver's request-header authenticator: on a connection whose client certificate comes from the
/// request-header CA with an allowed CN, the user is read from the configured headers (name, one header per group,
/// extras by prefix with the URL-encoded key after it). Anything else is not this authenticator's request.
/// </summary>
internal sealed class RequestHeaderAuthenticator : IRequestAuthenticator, IDisposable
{
    private readonly RequestHeaderOptions _options;
    private readonly X509Certificate2Collection _roots = [];
    private readonly TimeProvider _time;

    public RequestHeaderAuthenticator(RequestHeaderOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _roots.ImportFromPem(options.ClientCaPem);
        if (_roots.Count == 0)
        {
            throw new ArgumentException("the request-header client CA holds no PEM certificate", nameof(options));
        }
    }

    AuthenticationResult IRequestAuthenticator.Authenticate(HttpContext context) =>
        Authenticate(context) is { } user ? AuthenticationResult.Success(user) : AuthenticationResult.None;

    /// <summary>The user the trusted proxy names, or null when the request is not from a trusted proxy or names no one.</summary>
    public UserInfo? Authenticate(HttpContext context)
    {
        if (context.Connection.ClientCertificate is not { } certificate || !IsTrustedProxy(certificate))
        {
            return null;
        }

        var headers = context.Request.Headers;
        var name = _options.UsernameHeaders.Select(h => headers[h].ToString()).FirstOrDefault(v => v.Length > 0);
        if (name is null)
        {
            return null;
        }

        // One header line per group, or (from a .NET front proxy, which cannot repeat a header line) one comma-separated line.
        var groups = _options.GroupHeaders.SelectMany(h => headers[h].AsEnumerable()).OfType<string>()
            .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (header, values) in headers)
        {
            foreach (var prefix in _options.ExtraHeaderPrefixes)
            {
                if (header.Length > prefix.Length && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    // Keys are lower-cased and URL-unescaped, as upstream does (HTTP headers are case-insensitive).
                    var key = Uri.UnescapeDataString(header[prefix.Length..]).ToLowerInvariant();
                    var list = extra.TryGetValue(key, out var existing) ? existing.ToList() : [];
                    list.AddRange(values.OfType<string>());
                    extra[key] = list;
                }
            }
        }

        // As kube-apiserver's authenticator chain does, an authenticated user is in system:authenticated.
        return UserInfo.Authenticated(name, null, groups, extra);
    }

    public void Dispose()
    {
        foreach (var root in _roots)
        {
            root.Dispose();
        }
    }

    private bool IsTrustedProxy(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        if (!chain.Build(certificate))
        {
            return false;
        }

        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return _options.AllowedNames.Count == 0 || _options.AllowedNames.Contains(commonName, StringComparer.Ordinal);
    }
}
