namespace Clusterpedia.Bench.Results;

/// <summary>
/// Statements PostgreSQL ran per request of one list shape (pg_stat_statements over a run of requests, minus what the
/// idle server ran in a window as long), and the texts that made them up.
/// </summary>
internal sealed record StatementCount(string Name, string Path, int Requests, double StatementsPerList, IReadOnlyList<string> Statements);
