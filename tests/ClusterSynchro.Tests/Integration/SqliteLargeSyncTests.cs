using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Xunit.Abstractions;

namespace Clusterpedia.ClusterSynchro.Tests.Integration;

/// <summary>3 × ~20k objects on the embedded engine, caught up within 5 s after 30 s of churn.</summary>
[Collection(SynchroCollection.Name)]
public sealed class SqliteLargeSyncTests(ITestOutputHelper output) : LargeSyncTests(StorageEngineKind.Sqlite, 40, TimeSpan.FromSeconds(5), output);
