using System.Reflection;
using System.Text;
using Clusterpedia.Storage;

namespace Clusterpedia.Bench.Search;

/// <summary>
/// The exact page statement the storage emits for a search on PostgreSQL: <c>ListQueryBuilder.Build</c> with the
/// PostgreSQL dialect, reached by reflection because both are internal to the storage assembly. Using the builder
/// itself (not a hand copy) keeps the SQL floor faithful while the storage's SQL changes.
/// </summary>
internal sealed class StorageSql
{
    private readonly MethodInfo _build;
    private readonly object _dialect;

    public StorageSql(string connectionString)
    {
        var assembly = typeof(StorageFactory).Assembly;
        var builder = assembly.GetType("Clusterpedia.Storage.Engine.ListQueryBuilder", throwOnError: true)!;
        var dialectType = assembly.GetType("Clusterpedia.Storage.Engine.PostgresDialect", throwOnError: true)!;
        _build = builder.GetMethod("Build", BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException("ListQueryBuilder.Build not found");
        _dialect = Activator.CreateInstance(dialectType, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, null, [connectionString], null)
            ?? throw new InvalidOperationException("PostgresDialect could not be created");
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
}
