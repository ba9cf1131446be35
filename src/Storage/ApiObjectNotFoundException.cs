namespace Clusterpedia.Storage;

/// <summary>Update of an object that does not exist (the API answers 404).</summary>
public sealed class ApiObjectNotFoundException : Exception
{
    public ApiObjectNotFoundException()
        : this("not found")
    {
    }

    public ApiObjectNotFoundException(string message)
        : base(message)
    {
    }

    public ApiObjectNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
