using System.Security.Cryptography.X509Certificates;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Who sent a request, in kube-apiserver's order (k8s.io/apiserver DelegatingAuthenticatorConfig): the front proxy's
/// X-Remote-* headers when its client certificate verifies against the requestheader CA with an allowed CN; a client
/// certificate of the client CA (CN user, O groups); a bearer token (the token file, or the host's TokenReview).
/// Null when none applies. X-Remote-* headers from anyone but the verified front proxy are never read.
/// </summary>
internal sealed class RequestAuthenticator(AuthenticationConfigSource config, ITokenAuthenticator? tokens = null)
{
    private const string _organizationOid = "2.5.4.10";

    public async ValueTask<UserInfo?> AuthenticateAsync(HttpContext context)
    {
        var current = config.Current;
        if (context.Connection.ClientCertificate is { } certificate)
        {
            if (current.RequestHeader is { } proxy && IsFrontProxy(proxy, certificate) && FromHeaders(proxy, context.Request.Headers) is { } proxied)
            {
                return proxied;
            }

            if (current.ClientCa is { } clientCa && clientCa.Verify(certificate))
            {
                var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
                if (name.Length > 0)
                {
                    return UserInfo.Authenticated(name, null, Organizations(certificate));
                }
            }
        }

        if (tokens is not null && BearerToken(context.Request) is { } token)
        {
            return await tokens.AuthenticateAsync(token, context.RequestAborted).ConfigureAwait(false);
        }

        return null;
    }

    private static bool IsFrontProxy(RequestHeaderConfig proxy, X509Certificate2 certificate) =>
        proxy.ClientCa.Verify(certificate)
        && (proxy.AllowedNames.Count == 0 || proxy.AllowedNames.Contains(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)));

    /// <summary>
    /// The user the front proxy names: the first username header with a value; every group header line, split on
    /// commas (the simulated host folds groups into one line); extra headers by prefix, the key lower-cased and
    /// unescaped. No username: not a front-proxy request.
    /// </summary>
    private static UserInfo? FromHeaders(RequestHeaderConfig proxy, IHeaderDictionary headers)
    {
        var name = proxy.UsernameHeaders.Select(h => headers[h].FirstOrDefault(v => !string.IsNullOrEmpty(v))).FirstOrDefault(v => v is not null);
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        var groups = proxy.GroupHeaders.SelectMany(h => headers[h]).SelectMany(SecurityOptions.SplitList).ToList();
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (header, values) in headers)
        {
            foreach (var prefix in proxy.ExtraHeaderPrefixes)
            {
                if (header.Length > prefix.Length && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    var key = Uri.UnescapeDataString(header[prefix.Length..]).ToLowerInvariant();
                    extra[key] = [.. values.SelectMany(SecurityOptions.SplitList)];
                }
            }
        }

        return UserInfo.Authenticated(name, null, groups, extra);
    }

    private static string[] Organizations(X509Certificate2 certificate) =>
        [.. certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(rdn => rdn.GetSingleElementType().Value == _organizationOid)
            .Select(rdn => rdn.GetSingleElementValue())
            .OfType<string>()];

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header["Bearer ".Length..].Trim();
        return token.Length > 0 ? token : null;
    }
}
