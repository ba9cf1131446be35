using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Configuration;

namespace Clusterpedia.ApiServer.Tests.Configuration;

/// <summary>
/// <c>--print-config</c> on the real server program: the precedence of the sources, the round trip through
/// CLUSTERPEDIA_CONFIG, and secrets kept out of the output.
/// </summary>
public sealed class PrintConfigTests
{
    [Fact]
    public async Task PrintConfig_EverySource_FlagOverEnvironmentOverClusterpediaConfigOverAppsettings()
    {
        var json = """{"Synchro":{"PageSize":7,"MaxBatch":70,"HealthInterval":"00:00:07"},"Limits":{"Query":{"MaxLimit":77}}}""";

        var run = await ServerCommandRun.RunAsync(
            new Dictionary<string, string> { ["CLUSTERPEDIA_CONFIG"] = json, ["Synchro__PageSize"] = "8", ["Synchro__MaxBatch"] = "80" },
            "--print-config", "--Synchro:PageSize", "9");

        run.ExitCode.ShouldBe(0, run.ToString());
        var config = JsonNode.Parse(run.Stdout)!;
        config["Synchro"]!["PageSize"]!.GetValue<long>().ShouldBe(9, "a flag wins over everything");
        config["Synchro"]!["MaxBatch"]!.GetValue<long>().ShouldBe(80, "an environment variable wins over CLUSTERPEDIA_CONFIG");
        config["Synchro"]!["HealthInterval"]!.GetValue<string>().ShouldBe("00:00:07", "CLUSTERPEDIA_CONFIG wins over the defaults");
        config["Limits"]!["Query"]!["MaxLimit"]!.GetValue<long>().ShouldBe(77);
        config["Synchro"]!["PruneObjects"]!.GetValue<bool>().ShouldBeTrue("appsettings.json still applies under CLUSTERPEDIA_CONFIG");
        config["Storage"]!["Engine"]!.GetValue<string>().ShouldBe("sqlite");
    }

    [Fact]
    public async Task PrintConfig_FedBackThroughClusterpediaConfig_PrintsTheSame()
    {
        var defaults = await ServerCommandRun.PrintConfigAsync();
        defaults.ExitCode.ShouldBe(0, defaults.ToString());

        var again = await ServerCommandRun.PrintConfigAsync(defaults.Stdout);
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Stdout.ShouldBe(defaults.Stdout);

        // And with values changed in every kind of key: scalar, duration, list, map, nested section.
        var changed = JsonNode.Parse(defaults.Stdout)!;
        changed["Synchro"]!["PageSize"] = 42;
        changed["Synchro"]!["MaxBackoff"] = "00:01:30";
        changed["Synchro"]!["AllowedTargets"] = new JsonArray("10.0.0.0/8", "*.example.com");
        changed["Synchro"]!["HostContext"] = "admin@host";
        changed["Storage"]!["Collections"] = new JsonObject { ["apps"] = new JsonArray("apps/deployments", "/pods") };
        changed["Limits"]!["Query"]!["MaxLimit"] = 500;
        var first = await ServerCommandRun.PrintConfigAsync(changed.ToJsonString());
        first.ExitCode.ShouldBe(0, first.ToString());
        JsonNode.DeepEquals(JsonNode.Parse(first.Stdout), changed).ShouldBeTrue(first.Stdout);
        var second = await ServerCommandRun.PrintConfigAsync(first.Stdout);
        second.Stdout.ShouldBe(first.Stdout);
    }

    [Fact]
    public async Task PrintConfig_Secrets_AreRedacted()
    {
        var run = await ServerCommandRun.PrintConfigAsync(
            """{"Storage":{"Engine":"postgres","ConnectionString":"Host=db;Username=clusterpedia;Password=s3cret;Database=c"},"Encryption":{"Keys":["a2V5LW9uZQ=="]}}""");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldNotContain("s3cret");
        run.Stdout.ShouldNotContain("a2V5LW9uZQ==");
        var config = JsonNode.Parse(run.Stdout)!;
        config["Storage"]!["ConnectionString"]!.GetValue<string>().ShouldBe($"Host=db;Username=clusterpedia;Password={ConfigurationPrinter.Redacted};Database=c");
        config["Encryption"]!["Keys"]![0]!.GetValue<string>().ShouldBe(ConfigurationPrinter.Redacted);
    }

    [Fact]
    public async Task PrintConfig_ReadConnectionStrings_PasswordsRedacted()
    {
        var run = await ServerCommandRun.PrintConfigAsync(
            """{"Storage":{"Engine":"postgres","ConnectionString":"Host=db","ReadConnectionStrings":["Host=standby-1;Password=s3cret","Host=standby-2"]}}""");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldNotContain("s3cret");
        var replicas = JsonNode.Parse(run.Stdout)!["Storage"]!["ReadConnectionStrings"]!.AsArray().Select(n => n!.GetValue<string>());
        replicas.ShouldBe([$"Host=standby-1;Password={ConfigurationPrinter.Redacted}", "Host=standby-2"]);
    }

    [Fact]
    public async Task PrintConfig_WrongType_FailsLikeTheStart()
    {
        var run = await ServerCommandRun.PrintConfigAsync("""{"Roles":{"Api":"maybe"}}""");

        run.ExitCode.ShouldBe(ServerCommand.InvalidConfigurationExitCode, run.ToString());
        run.Stdout.ShouldBeEmpty();
        run.Stderr.ShouldContain("""CLUSTERPEDIA_CONFIG: Roles:Api: "maybe" is not a boolean (true or false)""");
    }
}
