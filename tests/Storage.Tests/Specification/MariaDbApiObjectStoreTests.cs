using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbApiObjectStoreTests(MariaDbStorageFixture fixture)
    : ApiObjectStoreSpecification<MariaDbStorageFixture>(fixture);
