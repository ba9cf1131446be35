namespace Clusterpedia.KubeSim;

/// <summary>A host lifetime that ignores process signals, so an in-process cluster never stops a test run.</summary>
internal sealed class NoSignalLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
