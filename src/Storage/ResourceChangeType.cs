namespace Clusterpedia.Storage;

public enum ResourceChangeType
{
    /// <summary>Created or updated: the object is its state at the change's revision.</summary>
    Upserted,

    /// <summary>Deleted: the object is its last stored state.</summary>
    Deleted,
}
