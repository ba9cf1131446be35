namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// The CA of the serving certificate once the bootstrap has it (from the Secret), for the registrations that must
/// trust it; completes once, before the server listens.
/// </summary>
internal sealed class ServingCa
{
    private readonly TaskCompletionSource<string> _pem = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string> PemAsync(CancellationToken cancellationToken) => _pem.Task.WaitAsync(cancellationToken);

    public void Set(string pem) => _pem.TrySetResult(pem);
}
