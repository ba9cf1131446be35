using System.Globalization;
using Clusterpedia.ApiServer.Http;

namespace Clusterpedia.ApiServer.Search;

/// <summary>
/// A list's <c>resourceVersion</c> and <c>resourceVersionMatch</c> as the lowest store revision the answer may be read
/// at (<see cref="Storage.ResourceQuery.MinRevision"/>): what keeps a list served by a lagging read replica from going
/// back in time. The store keeps no old states, so <c>Exact</c> is served like <c>NotOlderThan</c> (docs/scale-out.md).
/// The checks are kube-apiserver's list validation.
/// </summary>
internal static class ListRevision
{
    public static long? Parse(IQueryCollection query)
    {
        var text = query["resourceVersion"].ToString();
        var match = query["resourceVersionMatch"].ToString();
        if (match.Length > 0 && match is not ("NotOlderThan" or "Exact"))
        {
            throw ApiException.BadRequest($"resourceVersionMatch: Unsupported value: \"{match}\": supported values: \"Exact\", \"NotOlderThan\"");
        }

        if (text.Length == 0)
        {
            return match.Length > 0
                ? throw ApiException.BadRequest("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided")
                : null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            throw ApiException.BadRequest($"resourceVersion: Invalid value: \"{text}\": must be a non-negative integer");
        }

        if (match == "Exact" && revision == 0)
        {
            throw ApiException.BadRequest("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
        }

        // 0 means "any": nothing to wait for beyond what the process already served.
        return revision == 0 ? null : revision;
    }
}
