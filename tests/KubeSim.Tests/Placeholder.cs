namespace Clusterpedia.KubeSim.Tests;
