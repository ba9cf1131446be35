using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSynchroLeaseTests(PostgresStorageFixture fixture)
    : SynchroLeaseSpecification<PostgresStorageFixture>(fixture);
