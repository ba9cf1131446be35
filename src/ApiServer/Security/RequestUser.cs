using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// The authenticated user of a request, set once by authentication and read by authorization, the PediaCluster API
/// (who may see credentials) and search (per-user results). Null when the server runs without authentication (an
/// explicit insecure local mode): then nobody is filtered.
/// </summary>
internal static class RequestUser
{
    private static readonly object _key = new();

    public static void Set(HttpContext context, UserInfo user) => context.Items[_key] = user;

    public static UserInfo? Get(HttpContext context) =>
        context.Items.TryGetValue(_key, out var value) && value is UserInfo user ? user : null;
}
