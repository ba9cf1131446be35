using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Clusterpedia.KubeSim.Storage;

/// <summary>
/// A read-only string map over one array of alternating keys and values, looked up linearly. Labels and selectable
/// fields hold a handful of entries each, and a million objects each carrying a Dictionary would spend more memory
/// on the dictionaries than on anything else but the bodies.
/// </summary>
internal sealed class CompactMap : IReadOnlyDictionary<string, string>
{
    public static readonly CompactMap Empty = new([]);

    private readonly string[] _pairs;

    public CompactMap(string[] pairs)
    {
        _pairs = pairs;
    }

    public int Count => _pairs.Length / 2;

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<string> Values => this.Select(p => p.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        for (var i = 0; i < _pairs.Length; i += 2)
        {
            if (string.Equals(_pairs[i], key, StringComparison.Ordinal))
            {
                value = _pairs[i + 1];
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _pairs.Length; i += 2)
        {
            yield return new KeyValuePair<string, string>(_pairs[i], _pairs[i + 1]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
