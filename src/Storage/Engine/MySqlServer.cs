using System.Globalization;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// The flavour and version of a MySQL-protocol server, read from <c>VERSION()</c> at start, and what follows from
/// them: the binary no-pad collation of the schema. MySQL 8.0+ and MariaDB 10.6+ have every feature the engine uses
/// (CTEs, CHECK, row comparisons, JSON functions); older servers are refused with the reason.
/// </summary>
internal sealed record MySqlServer(bool IsMariaDb, Version Version, string VersionText)
{
    /// <summary>Binary code-point order without trailing-space padding ('a' and 'a ' differ, as in Kubernetes).</summary>
    public string Collation => IsMariaDb ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin";

    public string Flavour => IsMariaDb ? "MariaDB" : "MySQL";

    public static MySqlServer Parse(string versionText)
    {
        ArgumentNullException.ThrowIfNull(versionText);
        var isMariaDb = versionText.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        var numbers = versionText.Split('-', 2)[0].Split('.');
        var major = numbers.Length > 0 && int.TryParse(numbers[0], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
        var minor = numbers.Length > 1 && int.TryParse(numbers[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var server = new MySqlServer(isMariaDb, new Version(major, minor), versionText);
        var minimum = isMariaDb ? new Version(10, 6) : new Version(8, 0);
        return server.Version >= minimum
            ? server
            : throw new NotSupportedException(
                $"Storage mysql: {server.Flavour} {versionText} is too old; the engine needs MySQL 8.0+ or MariaDB 10.6+ (CTEs, CHECK constraints, no-pad binary collations).");
    }

    /// <summary>Descending index key parts (MySQL 8.0, MariaDB 10.8); older MariaDB parses DESC and builds the part ascending.</summary>
    public bool DescendingIndexes => !IsMariaDb || Version >= new Version(10, 8);

    public string Describe() =>
        $"{Flavour} {VersionText}; collation {Collation}; objects as LONGTEXT checked by JSON_VALID (read verbatim; " + (IsMariaDb ? "not by the resource upsert, whose objects the synchro validated" : "by every write") + "); " +
        "revisions by LAST_INSERT_ID; label selectors =, in and exists on the resource_labels side table, the others on the stored labels column; status.phase on an indexed stored column, other fields by JSON_EXTRACT; " +
        (DescendingIndexes ? "descending name index on" : "descending name index off (orderby=name desc sorts)") +
        "; fuzzy-name scans the type's order index with the test pushed down (no trigram index)";
}
