using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbSynchroLeaseTests(MariaDbStorageFixture fixture)
    : SynchroLeaseSpecification<MariaDbStorageFixture>(fixture);
