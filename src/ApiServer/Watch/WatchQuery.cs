using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Search;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Watch;

/// <summary>
/// The watch parameters of a request as both watch servers here use them (searches and our own objects): the
/// duration is <c>timeoutSeconds</c> when given (0 or absent: the server's default, as in kube-apiserver), never longer
/// than <see cref="QueryLimits.MaxWatchTimeoutSeconds"/>: a stream ending early is normal for watch clients, which
/// watch again from their last resourceVersion.
/// </summary>
internal sealed record WatchQuery(TimeSpan Timeout, long? FromRevision, bool Bookmarks)
{
    public static WatchQuery Parse(IQueryCollection query, QueryLimits limits, TimeSpan defaultTimeout)
    {
        WatchParameters parameters;
        try
        {
            parameters = WatchParameters.Parse(key => query[key]);
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest(e.Message);
        }

        var timeout = parameters.Duration(defaultTimeout, TimeSpan.FromSeconds(limits.MaxWatchTimeoutSeconds));
        return new WatchQuery(timeout, parameters.FromRevision, parameters.AllowWatchBookmarks);
    }
}
