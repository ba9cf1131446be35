using System.Diagnostics;

namespace Clusterpedia.ApiServer.Tests.Demo;

/// <summary>
/// hack/scale-up.sh exactly as a user runs it, into a temporary directory: a search through either API replica
/// (kubeconfig clusters replica-1 and replica-2, the second reading the PostgreSQL hot standby like the first) returns
/// the same objects of all three members with real kubectl, and hack/scale-down.sh leaves no process behind.
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

        string[] pidFiles = ["api-1", "api-2", "synchro-1", "synchro-2"];
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
