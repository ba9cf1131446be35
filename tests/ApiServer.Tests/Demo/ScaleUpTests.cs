using System.Diagnostics;
using System.Globalization;

namespace Clusterpedia.ApiServer.Tests.Demo;

/// <summary>
/// hack/scale-up.sh exactly as a user runs it, into a temporary directory: a search through either API replica
/// (kubeconfig clusters replica-1 and replica-2, the second reading the PostgreSQL hot standby like the first) returns
/// the same objects of all three members with real kubectl; when a synchro replica is killed, the clusters it held
/// move to the other (a deployment created in every member afterwards becomes searchable, and each member's
/// deployments appear exactly once); and hack/scale-down.sh leaves no process behind.
/// </summary>
public sealed class ScaleUpTests : IAsyncLifetime
{
    private static readonly TimeSpan _startTimeout = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _dir = new("clusterpedia-scale-");
    private string Scale => Path.Combine(_dir.Path, "scale");

    public async Task InitializeAsync()
    {
        var (code, output) = await HackScript.RunAsync("hack/scale-up.sh", _dir.Path, _startTimeout);
        if (code != 0)
        {
            throw new InvalidOperationException($"hack/scale-up.sh failed with exit code {code}:\n{output}");
        }
    }

    [Fact]
    public async Task ScaleUp_SearchThroughEitherReplica_SameObjectsThenScaleDownLeavesNoProcess()
    {
        using var kubectl = new Kubectl(Kubectl.Newest, Path.Combine(Scale, "kubeconfig"));
        string[] query = ["get", "deployments", "-A", "-o", "jsonpath={range .items[*]}{.metadata.annotations.shadow\\.clusterpedia\\.io/cluster-name}/{.metadata.namespace}/{.metadata.name}{\"\\n\"}{end}"];

        var first = Lines(await kubectl.OkAsync(["--cluster", "replica-1", .. query]));
        var second = Lines(await kubectl.OkAsync(["--cluster", "replica-2", .. query]));
        var member = Lines(await kubectl.OkAsync("--context", "member-2", "get", "deployments", "-A", "-o", "jsonpath={range .items[*]}member-2/{.metadata.namespace}/{.metadata.name}{\"\\n\"}{end}"));

        first.ShouldNotBeEmpty();
        second.ShouldBe(first);
        first.Select(l => l.Split('/')[0]).Distinct().ShouldBe(["member-1", "member-2", "member-3"]);
        first.Where(l => l.StartsWith("member-2/", StringComparison.Ordinal)).ShouldBe(member);

        // synchro-1 dies without a word (SIGKILL): its leases expire and synchro-2 takes its clusters over. A
        // deployment created in every member afterwards shows only if each member is synced again by someone.
        using (var synchro = Process.GetProcessById(int.Parse(await File.ReadAllTextAsync(Path.Combine(Scale, "synchro-1.pid")), CultureInfo.InvariantCulture)))
        {
            synchro.Kill(entireProcessTree: true);
            await synchro.WaitForExitAsync();
        }

        string[] members = ["member-1", "member-2", "member-3"];
        foreach (var name in members)
        {
            await kubectl.OkAsync("--context", name, "create", "deployment", "after-takeover", "--image=registry.k8s.io/pause:3.9", "-n", "default");
        }

        // Lease 15 s + renew tick 5 s is the takeover bound; the rest is the relist of three small members.
        await Eventually.UntilAsync(
            async () => Lines(await kubectl.OkAsync(["--cluster", "replica-2", .. query])).Count(l => l.EndsWith("/default/after-takeover", StringComparison.Ordinal)) == members.Length,
            TimeSpan.FromSeconds(90),
            async () => $"after killing synchro-1, replica-2 shows: {string.Join(", ", Lines(await kubectl.OkAsync(["--cluster", "replica-2", .. query])).Where(l => l.Contains("after-takeover", StringComparison.Ordinal)))}");
        var afterTakeover = Lines(await kubectl.OkAsync(["--cluster", "replica-1", .. query]));
        foreach (var name in members)
        {
            var direct = Lines(await kubectl.OkAsync("--context", name, "get", "deployments", "-A", "-o", "jsonpath={range .items[*]}" + name + "/{.metadata.namespace}/{.metadata.name}{\"\\n\"}{end}"));
            afterTakeover.Where(l => l.StartsWith(name + "/", StringComparison.Ordinal)).ShouldBe(direct, $"{name}'s deployments through replica-1 after the takeover");
        }

        string[] pidFiles = ["api-1", "api-2", "synchro-2"];
        pidFiles.ShouldAllBe(name => File.Exists(Path.Combine(Scale, name + ".pid")));
        var (code, output) = await HackScript.RunAsync("hack/scale-down.sh", _dir.Path, TimeSpan.FromMinutes(2));
        code.ShouldBe(0, output);
        Directory.GetFiles(Scale, "*.pid").ShouldBeEmpty();
        (await ProcessesUsingAsync(_dir.Path)).ShouldBeEmpty("hack/scale-down.sh left processes running");
    }

    public async Task DisposeAsync()
    {
        await HackScript.RunAsync("hack/scale-down.sh", _dir.Path, TimeSpan.FromMinutes(2));
        _dir.Delete();
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    /// <summary>Command lines of running processes that name <paramref name="path"/> (every process the script started does).</summary>
    private static async Task<List<string>> ProcessesUsingAsync(string path)
    {
        var start = new ProcessStartInfo("ps", ["-eo", "pid=,args="]) { RedirectStandardOutput = true };
        using var ps = Process.Start(start)!;
        var output = await ps.StandardOutput.ReadToEndAsync();
        await ps.WaitForExitAsync();
        return [.. output.Split('\n').Where(l => l.Contains(path, StringComparison.Ordinal))];
    }
}
