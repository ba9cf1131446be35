using Clusterpedia.Kube.Server;
namespace Clusterpedia.KubeSim.Security;

/// <summary>The authenticated user of a request, set once by the entry point and read by every later stage.</summary>
internal static class RequestUser
{
    private static readonly object _key = new();

    public static void Set(HttpContext context, UserInfo user) => context.Items[_key] = user;

    /// <summary>The request's user; anonymous when nothing authenticated it (e.g. a simulator without credentials).</summary>
    public static UserInfo Get(HttpContext context) =>
        context.Items.TryGetValue(_key, out var value) && value is UserInfo user ? user : UserInfo.AnonymousUser;
}
