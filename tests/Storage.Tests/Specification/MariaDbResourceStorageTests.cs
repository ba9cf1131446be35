using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbResourceStorageTests(MariaDbStorageFixture fixture)
    : ResourceStorageSpecification<MariaDbStorageFixture>(fixture);
