using System.CommandLine;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.Ctl;

/// <summary>
/// pediactl's command tree: <c>plugin create|list|delete</c> (deepflow-ctl's shapes) and <c>diagnose</c>/<c>rbac</c>
/// for pods whose owners are not synced. Each command is a handler writing to the given writers and returning the
/// exit code, so tests run them in-process. Errors go to stderr as kubectl prints them, with exit code 1.
/// </summary>
public static class PediactlCommands
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)", Recursive = true };
        var context = new Option<string?>("--context") { Description = "The kubeconfig context to use", Recursive = true };
        var cluster = new Option<string?>("--cluster") { Description = "The kubeconfig cluster of the server's root API (default: clusterpedia-direct when present, else the context's)", Recursive = true };

        CtlConnection Connection(ParseResult p) => new(p.GetValue(kubeconfig), p.GetValue(context), p.GetValue(cluster));

        var type = new Option<string>("--type") { Description = "Plugin type: lua", Required = true };
        var image = new Option<string>("--image") { Description = "Path of the plugin file (the Lua script)", Required = true };
        var name = new Option<string>("--name") { Description = "Plugin name", Required = true };
        var user = new Option<string>("--user") { Description = "Where the plugin runs: server", DefaultValueFactory = _ => "server" };
        var create = new Command("create", "Upload a plugin (replaces one of the same name)") { type, image, name, user };
        create.SetAction((p, token) => Guard(stderr, () => PluginCommands.CreateAsync(Connection(p), p.GetValue(type)!, p.GetValue(image)!, p.GetValue(name)!, p.GetValue(user)!, stdout, token)));

        var list = new Command("list", "List the plugins and how they fare");
        list.SetAction((p, token) => Guard(stderr, () => PluginCommands.ListAsync(Connection(p), stdout, token)));

        var deleteName = new Argument<string>("name") { Description = "Plugin name" };
        var delete = new Command("delete", "Delete a plugin") { deleteName };
        delete.SetAction((p, token) => Guard(stderr, () => PluginCommands.DeleteAsync(Connection(p), p.GetValue(deleteName)!, stdout, token)));

        var plugin = new Command("plugin", "Manage workload plugins (WorkloadPlugin objects of the server)") { create, list, delete };

        var diagnoseCluster = new Argument<string>("cluster") { Description = "PediaCluster name" };
        var diagnose = new Command("diagnose", "Pods of a cluster whose owner kinds are not synced, what to sync and the RBAC it needs") { diagnoseCluster };
        diagnose.SetAction((p, token) => Guard(stderr, () => DiagnoseCommands.DiagnoseAsync(Connection(p), p.GetValue(diagnoseCluster)!, stdout, token)));

        var rbacCluster = new Argument<string>("cluster") { Description = "PediaCluster name" };
        var rbac = new Command("rbac", "Print the ClusterRole the member credentials need for the owner kinds diagnose finds") { rbacCluster };
        rbac.SetAction((p, token) => Guard(stderr, () => DiagnoseCommands.RbacAsync(Connection(p), p.GetValue(rbacCluster)!, stdout, token)));

        var root = new RootCommand("pediactl: manage Clusterpedia.NET workload plugins and diagnose unsynced workload owners")
        {
            kubeconfig, context, cluster, plugin, diagnose, rbac,
        };
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return await root.Parse(args).InvokeAsync(config, ct).ConfigureAwait(false);
    }

    private static async Task<int> Guard(TextWriter stderr, Func<Task<int>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            // kubectl's form: Error from server (Reason): message
            await stderr.WriteLineAsync($"Error from server ({e.Reason}): {e.StatusMessage ?? e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is CtlException or KubeConnectionException or HttpRequestException or IOException)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
