using Clusterpedia.TestSupport.Postgres;

namespace Clusterpedia.ApiServer.Tests.Roles;

/// <summary>The process roles on one PostgreSQL database, the production layout (API replicas and one synchro).</summary>
[Collection(PostgresRolesCollection.Name)]
public sealed class ProcessRolesPostgresTests : ProcessRolesTestBase
{
    protected override async Task<string[]> StoreOptionsAsync()
    {
        var server = await PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync("roles");
        return ["--Storage:Engine", "postgres", "--Storage:ConnectionString", server.ConnectionString(database)];
    }
}
