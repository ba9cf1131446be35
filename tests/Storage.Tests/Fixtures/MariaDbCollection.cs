using Clusterpedia.TestSupport.MariaDb;

namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>
/// The MariaDB test classes share one server: this collection's fixture stops it once they are all done. Classes of
/// the collection run one after another; each still gets its own database through <see cref="MariaDbStorageFixture"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbServerLifetime>
{
    public const string Name = "mariadb";
}
