namespace Clusterpedia.Storage.Tests;
