using Clusterpedia.ClusterSynchro.Tests.Fixtures;
using Xunit.Abstractions;

namespace Clusterpedia.ClusterSynchro.Tests.Integration;

/// <summary>3 × ~20k objects (40 namespaces × 25 deployments × 16 pods, with their replicasets, services and configmaps).
/// Catch-up budget 30 s: on a shared 2-core machine PostgreSQL at this size has been measured above the 5 s target (see docs/synchro.md).</summary>
[Collection(SynchroCollection.Name)]
public sealed class PostgresLargeSyncTests(ITestOutputHelper output) : LargeSyncTests(StorageEngineKind.Postgres, 40, TimeSpan.FromSeconds(30), output);
