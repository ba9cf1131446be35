namespace Clusterpedia.Bench.Clients;

/// <summary>
/// One way to list and watch pods. Each object is reduced to what a synchro needs from it: namespace, name,
/// resourceVersion and the object's UTF-8 JSON (the input of the one-pass transform); the path returns the JSON's
/// length so that nothing is optimised away.
/// </summary>
internal interface IClientPath : IDisposable
{
    /// <summary>Lists every pod in pages of <paramref name="limit"/>; calls <paramref name="onObject"/> per object; returns the list's resourceVersion.</summary>
    Task<string> ListAsync(int limit, Action<string, string, string, int> onObject, CancellationToken cancellationToken);

    /// <summary>Watches pods from <paramref name="resourceVersion"/>; bookmarks are skipped; stops after <paramref name="events"/> events.</summary>
    Task WatchAsync(string resourceVersion, long events, Action<string, string, string, int> onObject, CancellationToken cancellationToken);
}
