using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Clusterpedia.Storage.Engine;

/// <summary>
/// SQL text built only from our own constants, with every input value bound as a parameter: the one place where
/// request input meets SQL.
/// </summary>
internal sealed class SqlStatement
{
    private readonly List<KeyValuePair<string, object>> _parameters = [];

    public StringBuilder Text { get; } = new();

    public IReadOnlyList<KeyValuePair<string, object>> Parameters => _parameters;

    /// <summary>Binds a value and returns its placeholder.</summary>
    public string Param(object value)
    {
        var name = "@p" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add(new(name, value));
        return name;
    }

    public SqlStatement Append(string sql)
    {
        Text.Append(sql);
        return this;
    }

    public DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction) =>
        CreateCommand(connection, transaction, Text.ToString(), _parameters.Count);

    /// <summary>A command of another text over the first <paramref name="parameterCount"/> parameters (a count over the same filters).</summary>
    public DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction, string text, int parameterCount)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        foreach (var (name, value) in _parameters.Take(parameterCount))
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
