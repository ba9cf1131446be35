using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

[Collection(PostgresCollection.Name)]
public sealed class PostgresResourceStorageTests(PostgresStorageFixture fixture)
    : ResourceStorageSpecification<PostgresStorageFixture>(fixture);
