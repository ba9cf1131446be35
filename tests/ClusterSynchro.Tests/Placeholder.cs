namespace Clusterpedia.ClusterSynchro.Tests;
