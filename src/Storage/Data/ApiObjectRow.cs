namespace Clusterpedia.Storage.Data;

/// <summary>EF Core mapping of a row of <c>api_objects</c>.</summary>
internal sealed class ApiObjectRow
{
    public string Resource { get; set; } = "";
    public string Name { get; set; } = "";
    public long Revision { get; set; }
    public string Object { get; set; } = "";
}
