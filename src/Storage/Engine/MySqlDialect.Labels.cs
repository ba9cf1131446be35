using System.Text;
using Clusterpedia.Storage.Schema;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// Label selectors on MySQL/MariaDB: the resource_labels side table (schema 6) for <c>key=value</c>, <c>in</c> and
/// <c>key</c>, written with every resource write; the stored labels column for the rest and the change feed.
/// </summary>
internal sealed partial class MySqlDialect
{
    private const int _maxIndexedValueBytes = 63;

    // After each upsert statement, for the rows it changed (exactly those now carrying one of its revisions: an
    // unchanged resourceVersion keeps the old one): keys no longer in the labels go, the others are inserted or get
    // their new value. Unchanged labels are left as they are (no index write), so a status update rewrites nothing here.
    private static readonly string _labelsText = $"""
        DELETE l FROM resource_labels l JOIN resources r ON r.id = l.resource_id
        WHERE r.revision BETWEEN @lf AND @ll AND NOT COALESCE(JSON_CONTAINS_PATH(r.labels, 'one', CONCAT('$."', l.label_key, '"')), 0);
        {MySqlSchema.InsertLabelRows} {MySqlSchema.LabelRows("r.revision BETWEEN @lf AND @ll")}
        ON DUPLICATE KEY UPDATE label_value = VALUES(label_value)
        """;

    // The labels column (schema 4) is the object's metadata.labels: a few hundred bytes to parse instead of the object.
    public override string LabelText(SqlStatement sql, string key) =>
        $"CAST(JSON_UNQUOTE(JSON_EXTRACT(r.labels, {sql.Param(SqliteDialect.JsonPath([key]))})) AS BINARY)";

    // The label rows of this resource's type and namespace with the key and one of the values: equated with r's
    // columns, the query's type and namespace become constants of the pair index, so the optimizer can start from the
    // few matching label rows (then read and sort only those resources) instead of walking the order index. A value
    // longer than the column holds is stored as NULL: such a selector compares the labels column instead.
    public override string? LabelHasAnyValue(SqlStatement sql, string key, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (values.Any(v => Encoding.UTF8.GetByteCount(v) > _maxIndexedValueBytes))
        {
            return null;
        }

        var keyParameter = sql.Param(key);
        return LabelRowExists(keyParameter, InList(sql, "l.label_value", values, negate: false));
    }

    public override bool LabelFormsReadSideTable => true;

    // The label rows first, in their order index (schema 11), each one's resource by primary key after: a page of
    // app=X across clusters reads its pair's rows until it is full instead of all of them and a sort. Without the
    // straight join the optimizer may start from resources when their order index looks cheaper, and sort.
    public override string LabelWalkFrom => "resource_labels l STRAIGHT_JOIN resources r ON r.id = l.resource_id";

    public override int LabelWalkValueBytes => _maxIndexedValueBytes;

    public override string? LabelExists(SqlStatement sql, string key)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return LabelRowExists(sql.Param(key), null);
    }

    private static string LabelRowExists(string keyParameter, string? valueCondition) =>
        $"r.id IN (SELECT l.resource_id FROM resource_labels l WHERE l.label_key = {keyParameter}" +
        (valueCondition is null ? "" : " AND " + valueCondition) +
        " AND l.\"group\" = r.\"group\" AND l.version = r.version AND l.resource = r.resource AND l.namespace = r.namespace)";
}
