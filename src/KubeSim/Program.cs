using System.CommandLine;
using System.Runtime.InteropServices;
using Clusterpedia.KubeSim;
using Clusterpedia.KubeSim.Security;

// Standalone simulated member cluster: prints "listening on <url>" and serves until SIGINT or SIGTERM.
var name = new Option<string>("--name") { Description = "Cluster name", DefaultValueFactory = _ => "sim" };
var port = new Option<int>("--port") { Description = "Loopback port (0 = any free port)", DefaultValueFactory = _ => 6443 };
var token = new Option<string?>("--token") { Description = "Bearer token of the administrator (kubernetes-admin in system:masters)" };
var tokenAuthFile = new Option<string?>("--token-auth-file")
{
    Description = "CSV file of static tokens, one per line: token,user,uid,\"group1,group2\" (as kube-apiserver's flag)",
};
var authorizationMode = new Option<AuthorizationMode>("--authorization-mode")
{
    Description = "Rbac (the default once credentials are configured) or AlwaysAllow",
};
var allowAnonymous = new Option<bool>("--allow-anonymous")
{
    Description = "Let requests without credentials in as system:anonymous (and authorize everything unless --authorization-mode Rbac)",
};
var namespaces = new Option<int>("--namespaces") { Description = "Application namespaces to generate", DefaultValueFactory = _ => 3 };
var deployments = new Option<int>("--deployments") { Description = "Deployments per namespace", DefaultValueFactory = _ => 2 };
var pods = new Option<int>("--pods") { Description = "Pods per deployment", DefaultValueFactory = _ => 2 };
var nodes = new Option<int>("--nodes") { Description = "Nodes", DefaultValueFactory = _ => 3 };
var seed = new Option<int>("--seed") { Description = "Seed of the generated workload", DefaultValueFactory = _ => 1 };
var version = new Option<string>("--kubernetes-version") { Description = "gitVersion reported by /version", DefaultValueFactory = _ => "v1.33.1" };
var verbose = new Option<bool>("--verbose") { Description = "Log every request" };
var tls = new Option<bool>("--tls") { Description = "Serve HTTPS with a generated CA; client certificates from it are accepted" };
var kubeconfigOut = new Option<string?>("--kubeconfig-out") { Description = "Write a kubeconfig for this cluster to this file" };
var churn = new Option<double>("--churn") { Description = "Background writes per second (mostly pod and ConfigMap updates, some creates and deletes)" };
var errorRate = new Option<double>("--error-rate") { Description = "Share of requests (0 to 1) answered with --error-code" };
var errorCode = new Option<int>("--error-code") { Description = "Status code of injected errors (500, 503, 429 with Retry-After...)", DefaultValueFactory = _ => 500 };
var latency = new Option<int>("--latency-ms") { Description = "Added latency of every answer, in milliseconds" };
var history = new Option<int>("--history") { Description = "Changes kept for watch resume; older resourceVersions get 410", DefaultValueFactory = _ => 100_000 };
var size = new Option<string?>("--size")
{
    Description = "Workload preset (realistic ~4 KB pods): demo (~50 objects), 10k (10,000 pods), 100k (100,000 pods), 1m (1,000,000 objects); --namespaces/--deployments/--pods/--nodes override it",
};
size.AcceptOnlyFromAmong("demo", "10k", "100k", "1m");
var frontProxy = new Option<bool>("--front-proxy")
{
    Description = "With --tls: act as kube-aggregator (front-proxy CA, APIServices with a service proxied, extension-apiserver-authentication written); --front-proxy false turns it off",
    DefaultValueFactory = _ => true,
};
var frontProxyCaOut = new Option<string?>("--front-proxy-ca-out") { Description = "Write the front-proxy CA (PEM) to this file, for a backend's --requestheader-client-ca-file" };
var servingDnsNames = new Option<string[]>("--serving-dns-name")
{
    Description = "Extra DNS name of the serving certificate (repeatable), e.g. api.widgets.svc to be an aggregated API server",
    AllowMultipleArgumentsPerToken = true,
};
var requestHeaderCa = new Option<string?>("--requestheader-client-ca-file") { Description = "Trust X-Remote-* headers from clients with a certificate from this CA (PEM file)" };
var requestHeaderNames = new Option<string[]>("--requestheader-allowed-names")
{
    Description = "Client certificate common names allowed to assert users (default front-proxy-client; empty: any)",
    AllowMultipleArgumentsPerToken = true,
};
var requestHeaderUsers = new Option<string[]>("--requestheader-username-headers") { Description = "Headers naming the user (default X-Remote-User)" };
var requestHeaderGroups = new Option<string[]>("--requestheader-group-headers") { Description = "Headers naming the groups (default X-Remote-Group)" };
var requestHeaderExtras = new Option<string[]>("--requestheader-extra-headers-prefix") { Description = "Prefixes of extra headers (default X-Remote-Extra-)" };
var report = new Option<bool>("--report") { Description = "Generate the workload, print memory and list-streaming figures, and exit" };

var root = new RootCommand("Simulated Kubernetes member cluster for Clusterpedia tests and demos")
{
    name, port, token, tokenAuthFile, authorizationMode, allowAnonymous, namespaces, deployments, pods, nodes, seed, version, verbose, tls,
    kubeconfigOut, churn, errorRate, errorCode, latency, history, size, report, frontProxy, frontProxyCaOut, servingDnsNames, requestHeaderCa,
    requestHeaderNames, requestHeaderUsers, requestHeaderGroups, requestHeaderExtras,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new SimulatorOptions
    {
        ClusterName = parse.GetValue(name)!,
        Port = parse.GetValue(port),
        Token = parse.GetValue(token),
        TokenAuthFile = parse.GetValue(tokenAuthFile),
        AuthorizationMode = parse.GetValue(authorizationMode),
        AllowAnonymous = parse.GetValue(allowAnonymous),
        Namespaces = parse.GetValue(namespaces),
        DeploymentsPerNamespace = parse.GetValue(deployments),
        PodsPerDeployment = parse.GetValue(pods),
        Nodes = parse.GetValue(nodes),
        Seed = parse.GetValue(seed),
        KubernetesVersion = parse.GetValue(version)!,
        Tls = parse.GetValue(tls),
        ChurnPerSecond = parse.GetValue(churn),
        HistoryCapacity = parse.GetValue(history),
        FrontProxy = parse.GetValue(frontProxy),
        ServingDnsNames = parse.GetValue(servingDnsNames) ?? [],
    };
    if (parse.GetValue(requestHeaderCa) is { Length: > 0 } requestHeaderCaFile)
    {
        var requestHeaderOptions = new RequestHeaderOptions { ClientCaPem = await File.ReadAllTextAsync(requestHeaderCaFile, cancellationToken) };
        requestHeaderOptions.AllowedNames = parse.GetResult(requestHeaderNames) is { Implicit: false } ? parse.GetValue(requestHeaderNames)! : requestHeaderOptions.AllowedNames;
        requestHeaderOptions.UsernameHeaders = parse.GetValue(requestHeaderUsers) is { Length: > 0 } users ? users : requestHeaderOptions.UsernameHeaders;
        requestHeaderOptions.GroupHeaders = parse.GetValue(requestHeaderGroups) is { Length: > 0 } groups ? groups : requestHeaderOptions.GroupHeaders;
        requestHeaderOptions.ExtraHeaderPrefixes = parse.GetValue(requestHeaderExtras) is { Length: > 0 } extras ? extras : requestHeaderOptions.ExtraHeaderPrefixes;
        options.RequestHeader = requestHeaderOptions;
    }

    if (parse.GetValue(size) is { } preset)
    {
        // namespaces × deployments per namespace × pods per deployment, nodes.
        var (n, d, p, k) = preset switch
        {
            "10k" => (25, 20, 20, 20),
            "100k" => (50, 100, 20, 50),
            "1m" => (500, 80, 21, 100),
            _ => (3, 2, 2, 3),
        };
        options.Namespaces = parse.GetResult(namespaces) is not { Implicit: false } ? n : options.Namespaces;
        options.DeploymentsPerNamespace = parse.GetResult(deployments) is not { Implicit: false } ? d : options.DeploymentsPerNamespace;
        options.PodsPerDeployment = parse.GetResult(pods) is not { Implicit: false } ? p : options.PodsPerDeployment;
        options.Nodes = parse.GetResult(nodes) is not { Implicit: false } ? k : options.Nodes;
    }

    if (parse.GetValue(report))
    {
        options.Port = 0;
        return await ScaleReport.RunAsync(options, Console.Out, cancellationToken);
    }

    using var loggerFactory = LoggerFactory.Create(logging => logging
        .AddSimpleConsole(console => console.SingleLine = true)
        .SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning));
    var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.TrySetResult(); });
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.TrySetResult(); });
    await using var cluster = await SimulatedCluster.StartAsync(options, loggerFactory, cancellationToken);
    if (parse.GetValue(errorRate) > 0)
    {
        cluster.Faults.SetErrorRate(parse.GetValue(errorRate), parse.GetValue(errorCode));
    }

    if (parse.GetValue(latency) > 0)
    {
        cluster.Faults.SetLatency(TimeSpan.FromMilliseconds(parse.GetValue(latency)));
    }

    if (parse.GetValue(kubeconfigOut) is { Length: > 0 } kubeconfigPath)
    {
        await File.WriteAllTextAsync(kubeconfigPath, cluster.CreateKubeconfig(), cancellationToken);
    }

    if (parse.GetValue(frontProxyCaOut) is { Length: > 0 } frontProxyCaPath && cluster.FrontProxyCaPem is { } frontProxyCaPem)
    {
        await File.WriteAllTextAsync(frontProxyCaPath, frontProxyCaPem, cancellationToken);
    }

    await Console.Out.WriteLineAsync($"listening on {cluster.Url.ToString().TrimEnd('/')}");
    await Console.Out.FlushAsync(cancellationToken);
    await stop.Task.WaitAsync(cancellationToken);
    return 0;
});
return await root.Parse(args).InvokeAsync();
