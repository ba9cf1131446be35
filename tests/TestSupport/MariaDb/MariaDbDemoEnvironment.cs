namespace Clusterpedia.TestSupport.MariaDb;

/// <summary>The local demo of <see cref="DemoEnvironment"/> with the server storing in a fresh database of the private MariaDB.</summary>
public sealed class MariaDbDemoEnvironment : DemoEnvironment
{
    protected override async Task<string[]> StoreOptionsAsync()
    {
        var server = await MariaDbServer.SharedAsync();
        var database = await server.CreateDatabaseAsync("demo");
        return ["--Storage:Engine", "mysql", "--Storage:ConnectionString", server.ConnectionString(database)];
    }
}
