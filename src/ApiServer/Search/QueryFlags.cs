using Clusterpedia.Kube;

namespace Clusterpedia.ApiServer.Search;

/// <summary>Boolean query parameters (watch, allowWatchBookmarks...) read as kube-apiserver reads them: see <see cref="QueryBool"/>.</summary>
internal static class QueryFlags
{
    public static bool Flag(this IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && QueryBool.Parse(values.Count == 0 ? [""] : (IReadOnlyList<string?>)values.ToArray());

    public static bool IsWatch(this IQueryCollection query) => query.Flag("watch");
}
