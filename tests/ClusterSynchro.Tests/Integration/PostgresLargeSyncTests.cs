using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Xunit.Abstractions;

namespace Clusterpedia.ClusterSynchro.Tests.Integration;

/// <summary>3 × ~20k objects (40 namespaces × 25 deployments × 16 pods, with their replicasets, services and configmaps),
/// caught up within 5 s after 30 s of churn.</summary>
[Collection(SynchroCollection.Name)]
public sealed class PostgresLargeSyncTests(ITestOutputHelper output) : LargeSyncTests(StorageEngineKind.Postgres, 40, TimeSpan.FromSeconds(5), output);
