namespace Clusterpedia.Storage.Data;

/// <summary>EF Core mapping of a row of <c>resources</c>.</summary>
internal sealed class ResourceRow
{
    public long Id { get; set; }
    public string Cluster { get; set; } = "";
    public string Group { get; set; } = "";
    public string Version { get; set; } = "";
    public string Resource { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Namespace { get; set; } = "";
    public string Name { get; set; } = "";
    public string Uid { get; set; } = "";
    public string? OwnerUid { get; set; }
    public string ResourceVersion { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset SyncedAt { get; set; }
    public long Revision { get; set; }
    public string Object { get; set; } = "";
}
