using Clusterpedia.ApiServer.Configuration;

namespace Clusterpedia.ApiServer.Tests.Configuration;

/// <summary>
/// The real server process refuses to start on configuration it would otherwise ignore or fail on later, and says
/// which key of which source is wrong and what is allowed (docs/configuration.md).
/// </summary>
public sealed class ConfigurationStartupTests : IDisposable
{
    private readonly TempDirectory _dir = new("config-start-");

    [Fact]
    public async Task Start_UnknownKeyInClusterpediaConfig_FailsNamingKeyAndKnownKeys()
    {
        var run = await StartAsync(new() { ["CLUSTERPEDIA_CONFIG"] = """{"Synchro":{"PageSize":100,"Foo":1}}""" });

        run.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, run.ToString());
        run.Stderr.ShouldContain("CLUSTERPEDIA_CONFIG: Synchro:Foo is not a known key; known keys of Synchro: PageSize,", Case.Sensitive, run.ToString());
        run.Stderr.ShouldContain("HostKubeconfig", Case.Sensitive, "the keys of every options type bound to Synchro are known");
        run.Stderr.ShouldNotContain("   at ", Case.Sensitive, "no stack trace for a configuration error");
    }

    [Fact]
    public async Task Start_UnknownTopLevelKeyInClusterpediaConfig_FailsListingSections()
    {
        var run = await StartAsync(new() { ["CLUSTERPEDIA_CONFIG"] = """{"Storag":{"Engine":"sqlite"}}""" });

        run.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, run.ToString());
        run.Stderr.ShouldContain("CLUSTERPEDIA_CONFIG: Storag is not a known key; known top-level keys: Roles, Storage, Synchro", Case.Sensitive, run.ToString());
    }

    [Fact]
    public async Task Start_WrongTypesInClusterpediaConfig_FailsNamingEveryKey()
    {
        var run = await StartAsync(new()
        {
            ["CLUSTERPEDIA_CONFIG"] = """{"Synchro":{"PageSize":"abc","MaxBackoff":"30s","AllowedTargets":"10.0.0.0/8"},"Limits":{"Query":{"MaxLimit":true}},"Security":{"InsecureSkipAuth":"yes"}}""",
        });

        run.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, run.ToString());
        run.Stderr.ShouldContain("""Security:InsecureSkipAuth: "yes" is not a boolean (true or false)""", Case.Sensitive, run.ToString());
        // The early sections (Roles, Security) are checked first; after them, the rest of the document.
        var all = await StartAsync(new() { ["CLUSTERPEDIA_CONFIG"] = """{"Synchro":{"PageSize":"abc","MaxBackoff":"30s","AllowedTargets":"10.0.0.0/8"},"Limits":{"Query":{"MaxLimit":true}}}""" });
        all.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, all.ToString());
        all.Stderr.ShouldContain("""CLUSTERPEDIA_CONFIG: Synchro:PageSize: "abc" is not an integer""", Case.Sensitive, all.ToString());
        all.Stderr.ShouldContain("""CLUSTERPEDIA_CONFIG: Synchro:MaxBackoff: "30s" is not a duration""", Case.Sensitive, all.ToString());
        all.Stderr.ShouldContain("CLUSTERPEDIA_CONFIG: Synchro:AllowedTargets is a list of string; give it as a JSON array", Case.Sensitive, all.ToString());
        all.Stderr.ShouldContain("""CLUSTERPEDIA_CONFIG: Limits:Query:MaxLimit: "True" is not an integer""", Case.Sensitive, all.ToString());
    }

    [Fact]
    public async Task Start_MalformedClusterpediaConfig_FailsNamingTheVariable()
    {
        var notJson = await StartAsync(new() { ["CLUSTERPEDIA_CONFIG"] = """{"Storage": """ });
        var notObject = await StartAsync(new() { ["CLUSTERPEDIA_CONFIG"] = "[1, 2]" });
        var duplicate = await StartAsync(new() { ["CLUSTERPEDIA_CONFIG"] = """{"Synchro":{"PageSize":1,"PageSize":2}}""" });

        notJson.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, notJson.ToString());
        notJson.Stderr.ShouldContain("CLUSTERPEDIA_CONFIG: not valid JSON", Case.Sensitive, notJson.ToString());
        notObject.Stderr.ShouldContain("CLUSTERPEDIA_CONFIG: the document must be a JSON object", Case.Sensitive, notObject.ToString());
        duplicate.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, duplicate.ToString());
        duplicate.Stderr.ShouldContain("CLUSTERPEDIA_CONFIG:", Case.Sensitive, duplicate.ToString());
        duplicate.Stderr.ShouldContain("Synchro:PageSize", Case.Insensitive, duplicate.ToString());
    }

    [Fact]
    public async Task Start_MistypedFlag_FailsNamingTheFlag()
    {
        var run = await StartAsync([], "--Synchro:PageSiz", "3", "--storage-engine", "postgres");

        run.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, run.ToString());
        run.Stderr.ShouldContain("command line: --Synchro:PageSiz is not a known key; known keys of Synchro: PageSize", Case.Sensitive, run.ToString());
        run.Stderr.ShouldContain("command line: --storage-engine is not a known key", Case.Sensitive, run.ToString());
    }

    [Fact]
    public async Task Start_MistypedEnvironmentVariableInOurSection_FailsNamingTheVariable()
    {
        var run = await StartAsync(new() { ["Storage__Enigne"] = "postgres", ["SOME_OTHER_TOOL__SETTING"] = "ignored" });

        run.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, run.ToString());
        run.Stderr.ShouldContain("environment: Storage:Enigne (Storage__Enigne) is not a known key; known keys of Storage: Engine, ConnectionString", Case.Sensitive, run.ToString());
        run.Stderr.ShouldNotContain("SOME_OTHER_TOOL", Case.Insensitive, "variables outside our sections are not ours to judge");
    }

    [Fact]
    public async Task Start_EngineNotKnown_FailsNamingKey()
    {
        var run = await StartAsync(new() { ["CLUSTERPEDIA_CONFIG"] = """{"Storage":{"Engine":"oracle"}}""" });

        run.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, run.ToString());
        run.Stderr.ShouldContain("CLUSTERPEDIA_CONFIG: Storage:Engine: \"oracle\" is not one of sqlite, postgres, mysql", Case.Sensitive, run.ToString());
        run.Stderr.ShouldNotContain("   at ", Case.Sensitive, "no stack trace for a configuration error");
    }

    [Fact]
    public async Task Start_ValueOutOfRange_FailsWithTheOptionsValidation()
    {
        var run = await StartAsync(new() { ["CLUSTERPEDIA_CONFIG"] = """{"Limits":{"MaxBodyDepth":100},"Synchro":{"PageSize":0}}""" });

        run.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, run.ToString());
        run.Stderr.ShouldContain("clusterpedia: invalid configuration:", Case.Sensitive, run.ToString());
        run.Stderr.ShouldContain("MaxBodyDepth", Case.Sensitive, run.ToString());
        run.Stderr.ShouldNotContain("   at ", Case.Sensitive, "no stack trace for a configuration error");
    }

    [Fact]
    public async Task Start_HostInClusterOutsideAPod_FailsNamingTheServiceVariables()
    {
        // Empty, whatever the machine running the tests has: this process is not in a pod.
        var run = await StartAsync(new() { ["KUBERNETES_SERVICE_HOST"] = "", ["KUBERNETES_SERVICE_PORT"] = "" }, "--host-in-cluster");

        run.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, run.ToString());
        run.Stderr.ShouldContain("Synchro:HostInCluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set", Case.Sensitive, run.ToString());
    }

    [Fact]
    public async Task Start_RefusedWhileAssembling_MessageWithoutStackTrace()
    {
        var run = await StartAsync([], "--urls", "http://127.0.0.1:0");

        run.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, run.ToString());
        run.Stderr.ShouldContain("plain HTTP is served only with --insecure-http", Case.Sensitive, run.ToString());
        run.Stderr.ShouldNotContain("   at ", Case.Sensitive, "no stack trace for a configuration error");
    }

    public void Dispose() => _dir.Delete();

    // A real start (no --print-config), on a database and certificate directory of the test's own.
    private Task<ServerCommandRun> StartAsync(Dictionary<string, string> environment, params string[] args) =>
        ServerCommandRun.RunAsync(environment,
        [
            "--urls", "https://127.0.0.1:0",
            "--Storage:ConnectionString", $"Data Source={Path.Combine(_dir.Path, "clusterpedia.db")}",
            "--cert-dir", Path.Combine(_dir.Path, "certs"),
            "--Encryption:KeyFile", Path.Combine(_dir.Path, "db.key"),
            .. args,
        ]);
}
