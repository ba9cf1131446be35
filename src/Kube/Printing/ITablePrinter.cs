using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// Turns one object into the cells of a Table row the way kube-apiserver does for its resource.
/// The server always prints wide, so <see cref="Columns"/> holds priority 0 and priority 1 columns alike.
/// </summary>
public interface ITablePrinter
{
    /// <summary>All columns, in the order the cells are written.</summary>
    IReadOnlyList<TableColumnDefinition> Columns { get; }

    /// <summary>
    /// Writes one JSON value per column, in order, with no surrounding array. Each value has the JSON type
    /// kube-apiserver uses for that cell, which is not always the declared column type.
    /// </summary>
    void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now);

    /// <summary>Writes the row's <c>conditions</c> property when the row has any (pods that finished); otherwise nothing.</summary>
    void WriteRowConditions(Utf8JsonWriter writer, JsonElement obj)
    {
    }
}
