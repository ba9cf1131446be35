using Clusterpedia.TestSupport.Postgres;

namespace Clusterpedia.ApiServer.Tests.Roles;

/// <summary>Owns the private PostgreSQL server for the tests of this project that need one (stopped when they are done).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresRolesCollection : ICollectionFixture<PostgresServerLifetime>
{
    public const string Name = "PostgreSQL process roles";
}
