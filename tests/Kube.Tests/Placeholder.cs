namespace Clusterpedia.Kube.Tests;
