using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

[Collection(PostgresCollection.Name)]
public sealed class PostgresApiObjectChangeFeedTests(PostgresStorageFixture fixture)
    : ApiObjectChangeFeedSpecification<PostgresStorageFixture>(fixture);
