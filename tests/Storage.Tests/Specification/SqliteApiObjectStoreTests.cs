using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public sealed class SqliteApiObjectStoreTests(SqliteStorageFixture fixture)
    : ApiObjectStoreSpecification<SqliteStorageFixture>(fixture);
