using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Xunit.Abstractions;

namespace Clusterpedia.ClusterSynchro.Tests.Integration;

/// <summary>3 × ~5k objects on the embedded engine (3 × 20k runs on PostgreSQL; the suite must stay within minutes), caught up within 5 s.</summary>
[Collection(SynchroCollection.Name)]
public sealed class SqliteLargeSyncTests(ITestOutputHelper output) : LargeSyncTests(StorageEngineKind.Sqlite, 10, TimeSpan.FromSeconds(5), output);
