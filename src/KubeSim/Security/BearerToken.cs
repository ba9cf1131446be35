namespace Clusterpedia.KubeSim.Security;

/// <summary>Reads <c>Authorization: Bearer &lt;token&gt;</c> as kube-apiserver does (scheme case-insensitive, token non-empty).</summary>
internal static class BearerToken
{
    public static string? From(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString().Trim();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !header[..space].Equals("bearer", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[(space + 1)..].Trim();
        return token.Length == 0 ? null : token;
    }
}
