using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public sealed class SqliteSynchroLeaseTests(SqliteStorageFixture fixture)
    : SynchroLeaseSpecification<SqliteStorageFixture>(fixture);
