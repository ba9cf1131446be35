namespace Clusterpedia.Storage.Engine;

/// <summary>Checks on the parts of a query that become JSON paths; they are bound as parameters, but must be well-formed.</summary>
internal static class QueryValidation
{
    private const int _maxKeyLength = 317;

    /// <summary>A Kubernetes label key: optional DNS prefix and '/', then a name of alphanumerics, '-', '_', '.'.</summary>
    public static void LabelKey(string field, string key)
    {
        if (key.Length == 0 || key.Length > _maxKeyLength)
        {
            throw new InvalidQueryException(field, $"label key '{key}' must be 1 to {_maxKeyLength} characters");
        }

        var slash = 0;
        foreach (var c in key)
        {
            if (c == '/')
            {
                slash++;
            }
            else if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                throw new InvalidQueryException(field, $"label key '{key}' may contain only letters, digits, '-', '_', '.' and one '/'");
            }
        }

        if (slash > 1 || key[0] == '/' || key[^1] == '/')
        {
            throw new InvalidQueryException(field, $"label key '{key}' may contain only one '/', between prefix and name");
        }
    }

    /// <summary>A field path: non-empty segments without quotes, backslashes or control characters.</summary>
    public static void FieldPath(string field, IReadOnlyList<string> path)
    {
        if (path.Count == 0 || path.Count > 32)
        {
            throw new InvalidQueryException(field, "a field path needs 1 to 32 segments, e.g. status.phase or metadata.labels['app']");
        }

        foreach (var segment in path)
        {
            if (segment.Length == 0 || segment.Length > _maxKeyLength || segment.Any(c => c is '"' or '\\' || char.IsControl(c)))
            {
                throw new InvalidQueryException(field, $"field path segment '{segment}' must be 1 to {_maxKeyLength} characters without quotes, backslashes or control characters");
            }
        }
    }
}
