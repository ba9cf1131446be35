namespace Clusterpedia.ApiServer.Tests.Demo;

/// <summary>
/// The local demo exactly as a user starts it: <c>hack/local-up.sh</c> (version 2: a simulated host cluster, two members,
/// our server registered in the host as an APIService) run once into a temporary directory, stopped with
/// <c>hack/local-down.sh</c> at the end.
/// </summary>
public sealed class LocalDemo : IAsyncLifetime
{
    private static readonly TimeSpan _startTimeout = TimeSpan.FromMinutes(8);
    private readonly TempDirectory _dir = new("clusterpedia-demo-");

    public string Kubeconfig => _dir.File("kubeconfig");

    public string Root { get; } = HackScript.Root;

    public string UpOutput { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var (code, output) = await RunAsync("hack/local-up.sh", _startTimeout);
        UpOutput = output;
        if (code != 0)
        {
            throw new InvalidOperationException($"hack/local-up.sh failed with exit code {code}:\n{output}");
        }
    }

    public async Task DisposeAsync()
    {
        await RunAsync("hack/local-down.sh", TimeSpan.FromMinutes(1));
        _dir.Delete();
    }

    private Task<(int Code, string Output)> RunAsync(string script, TimeSpan timeout) => HackScript.RunAsync(script, _dir.Path, timeout);
}
