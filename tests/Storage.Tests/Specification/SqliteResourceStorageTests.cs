using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public sealed class SqliteResourceStorageTests(SqliteStorageFixture fixture)
    : ResourceStorageSpecification<SqliteStorageFixture>(fixture);
