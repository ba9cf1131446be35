using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public sealed class SqliteApiObjectChangeFeedTests(SqliteStorageFixture fixture)
    : ApiObjectChangeFeedSpecification<SqliteStorageFixture>(fixture);
