using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public sealed class PostgresResourceStorageTests(PostgresStorageFixture fixture)
    : ResourceStorageSpecification<PostgresStorageFixture>(fixture);
