using System.Data.Common;
using System.Reflection;
using System.Text;
using Clusterpedia.Storage;

namespace Clusterpedia.Bench.Search;

/// <summary>
/// The exact page statement the storage emits for a search on a server engine: <c>ListQueryBuilder.Build</c> with the
/// engine's dialect (PostgreSQL or MySQL), reached by reflection because both are internal to the storage assembly,
/// and connections opened by that same dialect (so a MySQL session gets the storage's sql_mode and collation). Using
/// the builder itself (not a hand copy) keeps the SQL floor faithful while the storage's SQL changes.
/// </summary>
internal sealed class StorageSql : IAsyncDisposable
{
    private readonly MethodInfo _build;
    private readonly MethodInfo _open;
    private readonly object _dialect;

    public StorageSql(string engine, string connectionString)
    {
        var assembly = typeof(StorageFactory).Assembly;
        var builder = assembly.GetType("Clusterpedia.Storage.Engine.ListQueryBuilder", throwOnError: true)!;
        var dialectName = engine switch
        {
            StorageOptions.Postgres => "PostgresDialect",
            StorageOptions.MySql => "MySqlDialect",
            _ => throw new ArgumentException($"no SQL floor for engine {engine}", nameof(engine)),
        };
        var dialectType = assembly.GetType("Clusterpedia.Storage.Engine." + dialectName, throwOnError: true)!;
        _build = builder.GetMethod("Build", BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException("ListQueryBuilder.Build not found");
        _open = dialectType.GetMethod("OpenConnectionAsync", BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"{dialectName}.OpenConnectionAsync not found");
        _dialect = Activator.CreateInstance(dialectType, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, null, [connectionString], null)
            ?? throw new InvalidOperationException($"{dialectName} could not be created");
    }

    /// <summary>The SQL text and its parameters (<c>@p0</c>, <c>@p1</c>, ...) for a parsed query.</summary>
    public (string Text, IReadOnlyList<KeyValuePair<string, object>> Parameters) Build(ResourceQuery query)
    {
        object plan;
        try
        {
            plan = _build.Invoke(null, [query, _dialect])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }

        var statement = plan.GetType().GetProperty("Statement")!.GetValue(plan)!;
        var text = (StringBuilder)statement.GetType().GetProperty("Text")!.GetValue(statement)!;
        var parameters = (IReadOnlyList<KeyValuePair<string, object>>)statement.GetType().GetProperty("Parameters")!.GetValue(statement)!;
        return (text.ToString(), parameters);
    }

    /// <summary>
    /// The executed plan of the statement for a query, as the engine reports it (one more execution): PostgreSQL's
    /// <c>EXPLAIN (ANALYZE, BUFFERS)</c> text, MariaDB's <c>ANALYZE FORMAT=JSON</c>. Null when the engine refuses it.
    /// </summary>
    public async Task<string?> ExplainAsync(string engine, ResourceQuery query, CancellationToken cancellationToken)
    {
        var (text, parameters) = Build(query);
        var prefix = engine == StorageOptions.Postgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "ANALYZE FORMAT=JSON ";
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, prefix + text, parameters);

        try
        {
            var lines = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(reader.GetValue(0)?.ToString() ?? "");
            }

            return string.Join('\n', lines);
        }
        catch (DbException e)
        {
            return "no plan: " + e.Message;
        }
    }

    /// <summary>A command of a statement <see cref="Build"/> made (optionally behind a fixed prefix), with its parameters.</summary>
    public static DbCommand Command(DbConnection connection, string text, IReadOnlyList<KeyValuePair<string, object>> parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // The storage's own statement: constants and allow-listed columns, every value a parameter.
        command.CommandText = text;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>A pooled connection as the storage opens it (session settings included).</summary>
    public Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        (Task<DbConnection>)_open.Invoke(_dialect, [cancellationToken])!;

    public ValueTask DisposeAsync() => ((IAsyncDisposable)_dialect).DisposeAsync();
}
