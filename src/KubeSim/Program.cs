using System.CommandLine;
using System.Runtime.InteropServices;
using Clusterpedia.KubeSim;

// Standalone simulated member cluster: prints "listening on <url>" and serves until SIGINT or SIGTERM.
var name = new Option<string>("--name") { Description = "Cluster name", DefaultValueFactory = _ => "sim" };
var port = new Option<int>("--port") { Description = "Loopback port (0 = any free port)", DefaultValueFactory = _ => 6443 };
var token = new Option<string?>("--token") { Description = "Bearer token clients must present" };
var namespaces = new Option<int>("--namespaces") { Description = "Application namespaces to generate", DefaultValueFactory = _ => 3 };
var deployments = new Option<int>("--deployments") { Description = "Deployments per namespace", DefaultValueFactory = _ => 2 };
var pods = new Option<int>("--pods") { Description = "Pods per deployment", DefaultValueFactory = _ => 2 };
var nodes = new Option<int>("--nodes") { Description = "Nodes", DefaultValueFactory = _ => 3 };
var seed = new Option<int>("--seed") { Description = "Seed of the generated workload", DefaultValueFactory = _ => 1 };
var version = new Option<string>("--kubernetes-version") { Description = "gitVersion reported by /version", DefaultValueFactory = _ => "v1.33.1" };
var verbose = new Option<bool>("--verbose") { Description = "Log every request" };
var tls = new Option<bool>("--tls") { Description = "Serve HTTPS with a generated CA; client certificates from it are accepted" };
var kubeconfigOut = new Option<string?>("--kubeconfig-out") { Description = "Write a kubeconfig for this cluster to this file" };

var root = new RootCommand("Simulated Kubernetes member cluster for Clusterpedia tests and demos")
{
    name, port, token, namespaces, deployments, pods, nodes, seed, version, verbose, tls, kubeconfigOut,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new SimulatorOptions
    {
        ClusterName = parse.GetValue(name)!,
        Port = parse.GetValue(port),
        Token = parse.GetValue(token),
        Namespaces = parse.GetValue(namespaces),
        DeploymentsPerNamespace = parse.GetValue(deployments),
        PodsPerDeployment = parse.GetValue(pods),
        Nodes = parse.GetValue(nodes),
        Seed = parse.GetValue(seed),
        KubernetesVersion = parse.GetValue(version)!,
        Tls = parse.GetValue(tls),
    };
    using var loggerFactory = LoggerFactory.Create(logging => logging
        .AddSimpleConsole(console => console.SingleLine = true)
        .SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning));
    var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.TrySetResult(); });
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.TrySetResult(); });
    await using var cluster = await SimulatedCluster.StartAsync(options, loggerFactory, cancellationToken);
    if (parse.GetValue(kubeconfigOut) is { Length: > 0 } kubeconfigPath)
    {
        await File.WriteAllTextAsync(kubeconfigPath, cluster.CreateKubeconfig(), cancellationToken);
    }

    await Console.Out.WriteLineAsync($"listening on {cluster.Url.ToString().TrimEnd('/')}");
    await Console.Out.FlushAsync(cancellationToken);
    await stop.Task.WaitAsync(cancellationToken);
    return 0;
});
return await root.Parse(args).InvokeAsync();
