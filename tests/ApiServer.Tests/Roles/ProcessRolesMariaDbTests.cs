using Clusterpedia.ApiServer.Tests.EndToEnd;
using Clusterpedia.TestSupport.MariaDb;

namespace Clusterpedia.ApiServer.Tests.Roles;

/// <summary>The process roles on one MySQL-protocol database (the private MariaDB), as with PostgreSQL.</summary>
[Collection(MariaDbEndToEndCollection.Name)]
public sealed class ProcessRolesMariaDbTests : ProcessRolesTestBase
{
    protected override async Task<string[]> StoreOptionsAsync()
    {
        var server = await MariaDbServer.SharedAsync();
        var database = await server.CreateDatabaseAsync("roles");
        return ["--Storage:Engine", "mysql", "--Storage:ConnectionString", server.ConnectionString(database)];
    }
}
