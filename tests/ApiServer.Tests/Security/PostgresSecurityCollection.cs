using Clusterpedia.TestSupport.Postgres;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>The private PostgreSQL server for the security tests that need one (stopped when they are done).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresSecurityCollection : ICollectionFixture<PostgresServerLifetime>
{
    public const string Name = "PostgreSQL security";
}
