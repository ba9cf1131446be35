using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Clusterpedia.Clients.Tests;

/// <summary>
/// Runs tests/clients/python/compat.py with Debian's python3-kubernetes (/usr/bin/python3, which test.sh provides)
/// against a kubeconfig whose contexts point the client at the server root, the search path and one cluster's path.
/// </summary>
public sealed class PythonClient : IDisposable
{
    public const string Python = "/usr/bin/python3";
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new("clusterpedia-python-");

    public PythonClient(DemoEnvironment env)
    {
        var server = env.Server.ToString().TrimEnd('/');
        var search = server + ClientFactory.SearchPath;
        Kubeconfig = _dir.File("kubeconfig");
        File.WriteAllText(Kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: host
              cluster: {server: "{{server}}"}
            - name: search
              cluster: {server: "{{search}}"}
            - name: cluster-1
              cluster: {server: "{{search}}/clusters/cluster-1"}
            users:
            - name: admin
              user: {}
            contexts:
            - name: host
              context: {cluster: host, user: admin}
            - name: search
              context: {cluster: search, user: admin}
            - name: cluster-1
              context: {cluster: cluster-1, user: admin}
            current-context: search
            """);
    }

    public string Kubeconfig { get; }

    private static string Script => Path.Combine(AppContext.BaseDirectory, "python", "compat.py");

    public ProcessStartInfo StartInfo(string context, string mode, params string[] args)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { Script, Kubeconfig, context, mode }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    /// <summary>Runs one mode to its end and returns the JSON it printed.</summary>
    public async Task<JsonNode> RunAsync(string context, string mode, params string[] args)
    {
        using var process = Process.Start(StartInfo(context, mode, args))!;
        using var cts = new CancellationTokenSource(_timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.ExitCode.ShouldBe(0, $"compat.py {mode} failed: {await stderr}");
        var text = await stdout;
        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"compat.py {mode} printed no JSON: {text}");
    }

    public void Dispose() => _dir.Delete();
}
