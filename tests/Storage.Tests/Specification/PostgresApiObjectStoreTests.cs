using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

[Collection(PostgresCollection.Name)]
public sealed class PostgresApiObjectStoreTests(PostgresStorageFixture fixture)
    : ApiObjectStoreSpecification<PostgresStorageFixture>(fixture);
