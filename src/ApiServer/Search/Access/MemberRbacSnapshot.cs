using System.Collections.Concurrent;
using Clusterpedia.Kube.Rbac;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Search.Access;

/// <summary>
/// One member's RBAC as read from the store at one time, with the list scopes already computed from it per (user,
/// groups, resource): replaced as a whole when re-read, so a member's RBAC change drops every scope cached on it.
/// </summary>
internal sealed class MemberRbacSnapshot(RbacPolicySet policy, DateTimeOffset readAt)
{
    // Users times resources stays small in practice; the bound keeps a flood of distinct users from growing it.
    private const int _maxCachedScopes = 10_000;

    private readonly ConcurrentDictionary<(string User, string Groups, string Group, string Resource), ListScope> _scopes = new();

    public DateTimeOffset ReadAt { get; } = readAt;

    public ListScope ListScope(UserInfo user, string group, string resource)
    {
        var key = (user.Name, string.Join('\n', user.Groups), group, resource);
        if (_scopes.TryGetValue(key, out var scope))
        {
            return scope;
        }

        scope = policy.ListScope(user, group, resource);
        if (_scopes.Count >= _maxCachedScopes)
        {
            _scopes.Clear();
        }

        _scopes[key] = scope;
        return scope;
    }
}
