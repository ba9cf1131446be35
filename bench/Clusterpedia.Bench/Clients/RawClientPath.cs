using Clusterpedia.Kube.Client;

namespace Clusterpedia.Bench.Clients;

/// <summary>
/// Our src/Kube client as the synchro's Reflector uses it: <see cref="KubeClient.ListAllPagesAsync"/> with a page
/// limit, then <see cref="KubeClient.WatchAsync"/> from the list's resourceVersion with bookmarks, each item's
/// identity read by <see cref="ObjectIdentity.Check"/> straight from the page buffer (no copy, no object model).
/// </summary>
internal sealed class RawClientPath(KubeClientOptions options) : IClientPath
{
    private const string _pods = "/api/v1/pods";
    private readonly KubeClient _client = new(options);

    public async Task<string> ListAsync(int limit, Action<string, string, string, int> onObject, CancellationToken cancellationToken)
    {
        var rv = "";
        await foreach (var page in _client.ListAllPagesAsync(_pods, new ListRequest { Limit = limit }, cancellationToken))
        {
            foreach (var item in page.Items)
            {
                if (ObjectIdentity.Check(item.Span, out var identity) is { } problem)
                {
                    throw new InvalidOperationException(problem);
                }

                onObject(identity.Namespace, identity.Name, identity.ResourceVersion, item.Length);
            }

            rv = page.ResourceVersion;
        }

        return rv;
    }

    public async Task WatchAsync(string resourceVersion, long events, Action<string, string, string, int> onObject, CancellationToken cancellationToken)
    {
        var request = new WatchRequest { ResourceVersion = resourceVersion, AllowWatchBookmarks = true, TimeoutSeconds = 600 };
        long seen = 0;
        await foreach (var e in _client.WatchAsync(_pods, request, cancellationToken))
        {
            if (e.Type == WatchEventType.Bookmark)
            {
                continue;
            }

            ObjectIdentity.Check(e.Object.Span, out var identity);
            onObject(identity.Namespace, identity.Name, identity.ResourceVersion, e.Object.Length);
            if (++seen >= events)
            {
                return;
            }
        }

        throw new InvalidOperationException($"the watch ended after {seen} of {events} events");
    }

    public void Dispose() => _client.Dispose();
}
