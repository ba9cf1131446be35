using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Clusterpedia.ClusterSynchro.Tests.Integration;

namespace Clusterpedia.ClusterSynchro.Tests.Hardening;

[Collection(SynchroCollection.Name)]
public sealed class PostgresCorruptMemberDataTests() : CorruptMemberDataTests(StorageEngineKind.Postgres);
