using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public sealed class PostgresApiObjectStoreTests(PostgresStorageFixture fixture)
    : ApiObjectStoreSpecification<PostgresStorageFixture>(fixture);
