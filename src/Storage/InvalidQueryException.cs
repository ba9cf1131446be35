namespace Clusterpedia.Storage;

/// <summary>A search input is malformed or not allowed; <see cref="Field"/> names the key (the API answers 400).</summary>
public sealed class InvalidQueryException : Exception
{
    public InvalidQueryException()
        : this("query", "invalid query")
    {
    }

    public InvalidQueryException(string message)
        : this("query", message)
    {
    }

    public InvalidQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "query";
    }

    public InvalidQueryException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    public InvalidQueryException(string field, string message, Exception innerException)
        : base(message, innerException)
    {
        Field = field;
    }

    /// <summary>The search key at fault, e.g. <c>orderby</c> or <c>search.clusterpedia.io/since</c>.</summary>
    public string Field { get; }
}
