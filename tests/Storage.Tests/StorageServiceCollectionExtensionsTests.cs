using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Clusterpedia.Storage.Tests;

public sealed class StorageServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "clusterpedia-di-" + Guid.NewGuid().ToString("N"));

    public StorageServiceCollectionExtensionsTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AddStorage_HostStarts_SchemaAppliedAndStoresResolve()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddStorage(o => o.ConnectionString = $"Data Source={Path.Combine(_directory, "di.db")}");
        await using var provider = services.BuildServiceProvider();

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var storage = provider.GetRequiredService<IResourceStorage>();
        var result = await storage.ListAsync(new ResourceQuery { Group = "", Version = "v1", Resource = "pods" }, CancellationToken.None);
        result.Items.ShouldBeEmpty();
        provider.GetRequiredService<IApiObjectStore>().ShouldBeSameAs(provider.GetRequiredService<IDatabaseObjectStore>());
        File.Exists(Path.Combine(_directory, "di.db")).ShouldBeTrue();
    }

    [Fact]
    public void AddStorage_CalledTwice_RegistersOneOfEach()
    {
        var services = new ServiceCollection();
        services.AddStorage(_ => { });
        services.AddStorage(_ => { });

        services.Count(d => d.ServiceType == typeof(IResourceStorage)).ShouldBe(1);
        services.Count(d => d.ServiceType == typeof(IHostedService)).ShouldBe(1);
    }

    [Theory]
    [InlineData("sqlite", "Host=standby;Database=c", "needs Storage:Engine postgres")]
    [InlineData("postgres", "Data Source=clusterpedia.db", "must be a PostgreSQL connection string")]
    [InlineData("postgres", "Host=standby;NoSuchKey=1", "must be a PostgreSQL connection string")]
    public void AddStorage_BadReadConnectionStrings_ValidationNamesTheKey(string engine, string replica, string why)
    {
        var services = new ServiceCollection();
        services.AddStorage(o =>
        {
            o.Engine = engine;
            o.ReadConnectionStrings.Add(replica);
        });
        using var provider = services.BuildServiceProvider();

        var e = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value);

        e.Message.ShouldContain("Storage:ReadConnectionStrings");
        e.Message.ShouldContain(why);
    }

    [Fact]
    public async Task OpenAsync_UnknownEngine_ArgumentException() =>
        await Should.ThrowAsync<ArgumentException>(() => StorageFactory.OpenAsync(new StorageOptions { Engine = "oracle" }, CancellationToken.None));
}
