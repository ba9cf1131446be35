namespace Clusterpedia.Kube.Server;

/// <summary>
/// Who made a request, as kube-apiserver's authenticators describe a user (k8s.io/apiserver user.Info): the name,
/// an optional uid, the groups (system:authenticated or system:unauthenticated included) and extra attributes.
/// One type for every server here: the simulator's authorization, aggregation proxy (X-Remote-* headers) and admission
/// reviews, and our API server's authentication, authorization and per-user results.
/// </summary>
public sealed record UserInfo(string Name, string? Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra)
{
    public const string Anonymous = "system:anonymous";
    public const string AuthenticatedGroup = "system:authenticated";
    public const string UnauthenticatedGroup = "system:unauthenticated";

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _noExtra = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The anonymous user kube-apiserver assigns to requests without credentials.</summary>
    public static UserInfo AnonymousUser { get; } = new(Anonymous, null, [UnauthenticatedGroup], _noExtra);

    /// <summary>An authenticated user: <c>system:authenticated</c> is added to the groups, as kube-apiserver does.</summary>
    public static UserInfo Authenticated(string name, string? uid, IEnumerable<string> groups, IReadOnlyDictionary<string, IReadOnlyList<string>>? extra = null)
    {
        var all = groups.Where(g => g != AuthenticatedGroup).Append(AuthenticatedGroup).ToArray();
        return new UserInfo(name, uid, all, extra ?? _noExtra);
    }
}
