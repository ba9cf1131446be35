using Clusterpedia.TestSupport.MariaDb;

namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>Owns the private MariaDB server for the tests of this project that need one (stopped when they are done).</summary>
[CollectionDefinition(Name)]
public sealed class MariaDbEndToEndCollection : ICollectionFixture<MariaDbServerLifetime>
{
    public const string Name = "MariaDB end to end";
}
