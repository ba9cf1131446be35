namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>
/// The shared database servers of a test process outlive every collection that holds them: collections of one assembly
/// run in parallel, and a server stopped when the first of them finished once failed a test of another with
/// "connection refused".
/// </summary>
public sealed class SharedInstanceTests
{
    [Fact]
    public async Task Release_TwoHolders_StoppedOnlyWhenTheLastLetsGo()
    {
        var started = 0;
        var stopped = new List<int>();
        using var shared = new SharedInstance<object>(() => Task.FromResult<object>(++started), instance =>
        {
            stopped.Add((int)instance);
            return Task.CompletedTask;
        });

        var first = await shared.AcquireAsync();
        var second = await shared.AcquireAsync();
        second.ShouldBeSameAs(first, "both holders share one instance");
        (await shared.GetAsync()).ShouldBeSameAs(first);

        await shared.ReleaseAsync();
        stopped.ShouldBeEmpty("a collection still holds the server");
        (await shared.GetAsync()).ShouldBeSameAs(first);

        await shared.ReleaseAsync();
        stopped.ShouldBe([1]);

        (await shared.AcquireAsync()).ShouldBe(2, "after the last release the next holder starts a new instance");
        started.ShouldBe(2);
        await shared.ReleaseAsync();
        stopped.ShouldBe([1, 2]);
    }

    [Fact]
    public async Task Release_WithoutAHolder_Refused()
    {
        using var shared = new SharedInstance<object>(() => Task.FromResult(new object()), _ => Task.CompletedTask);
        await Should.ThrowAsync<InvalidOperationException>(shared.ReleaseAsync);
    }
}
