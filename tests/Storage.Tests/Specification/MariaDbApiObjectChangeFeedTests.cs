using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbApiObjectChangeFeedTests(MariaDbStorageFixture fixture)
    : ApiObjectChangeFeedSpecification<MariaDbStorageFixture>(fixture);
