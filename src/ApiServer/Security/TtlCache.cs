using System.Collections.Concurrent;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Answers kept for a time (a TTL per entry); bounded: when full, expired entries go, then everything, so a flood of
/// distinct keys (hostile tokens) costs at most <c>capacity</c> entries (plus the writers racing at that moment).
/// </summary>
internal sealed class TtlCache<TKey, TValue>(TimeProvider time, int capacity = 10_000)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Expires)> _entries = new();

    /// <summary>Entries held now, expired ones not yet dropped included.</summary>
    public int Count => _entries.Count;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Expires > time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value, TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_entries.Count >= capacity)
        {
            foreach (var (k, e) in _entries)
            {
                if (e.Expires <= now)
                {
                    _entries.TryRemove(k, out _);
                }
            }

            if (_entries.Count >= capacity)
            {
                _entries.Clear();
            }
        }

        _entries[key] = (value, now + ttl);
    }
}
