namespace Clusterpedia.Storage;

/// <summary>Create of an existing object, or update with a stale revision (the API answers 409).</summary>
public sealed class ApiObjectConflictException : Exception
{
    public ApiObjectConflictException()
        : this("conflict")
    {
    }

    public ApiObjectConflictException(string message)
        : base(message)
    {
    }

    public ApiObjectConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ApiObjectConflictException(string message, bool alreadyExists)
        : base(message)
    {
        AlreadyExists = alreadyExists;
    }

    /// <summary>True: the object exists (create); false: its revision changed (update).</summary>
    public bool AlreadyExists { get; }
}
