namespace Clusterpedia.KubeSim.Storage;

/// <summary>
/// Shares one instance of strings that repeat across many objects (label keys and values, namespaces, pod phases,
/// node names). Not thread-safe: the store uses it under its lock.
/// </summary>
internal sealed class StringPool
{
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);

    public string Intern(string value)
    {
        if (value.Length == 0)
        {
            return string.Empty;
        }

        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        _strings.Add(value);
        return value;
    }
}
