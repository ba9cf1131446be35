using Clusterpedia.ClusterSynchro.Tests.Fixtures;

namespace Clusterpedia.ClusterSynchro.Tests.Integration;

[Collection(SynchroCollection.Name)]
public sealed class SqliteSynchroBehaviourTests() : SynchroBehaviourTests(StorageEngineKind.Sqlite);
