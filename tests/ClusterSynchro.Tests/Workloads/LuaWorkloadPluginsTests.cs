using System.Text;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.ClusterSynchro.Workloads.Lua;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Tests.Workloads;

public sealed class LuaWorkloadPluginsTests : IDisposable
{
    private const string _ogMetadata = """
        {"annotations":{},"creationTimestamp":"2024-08-07T02:08:14Z","labels":{},"name":"ogtest-sts-0","namespace":"db",
         "ownerReferences":[{"apiVersion":"opengauss.sig/v1","blockOwnerDeletion":true,"controller":true,"kind":"OpenGaussCluster","name":"ogtest","uid":"u1"}],
         "resourceVersion":"","uid":"p1"}
        """;

    private const string _deploymentPodMetadata = """
        {"name":"web-7d4b9c-abcde","namespace":"default","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d4b9c","uid":"r1","controller":true}]}
        """;

    private const string _echo = """
        local dkjson = require("dkjson")
        function GetWorkloadTypeAndName(metaJsonStr)
            local m = dkjson.decode(metaJsonStr, 1, nil)
            if m.labels == nil or m.labels.workload == nil then return "", "" end
            return "Echo", m.labels.workload
        end
        """;

    private readonly LuaWorkloadPlugins _plugins = new(Options.Create(new LuaPluginOptions { Timeout = TimeSpan.FromSeconds(2) }), TimeProvider.System);

    public void Dispose() => _plugins.Dispose();

    private static string SeedPlugin() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugins", "opengauss.lua"));

    private WorkloadRef? Resolve(string json) => _plugins.Resolve(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Resolve_SeedOpenGaussPlugin_MapsOwnedPodToStatefulSet()
    {
        var status = _plugins.Load("opengauss", SeedPlugin());

        status.Loaded.ShouldBeTrue(status.LastError);
        Resolve(_ogMetadata).ShouldBe(new WorkloadRef("StatefulSet", "ogtest"));
        Resolve(_deploymentPodMetadata).ShouldBeNull();
        Resolve("""{"name":"bare"}""").ShouldBeNull();
        _plugins.StatusOf("opengauss")!.ConsecutiveFailures.ShouldBe(0);
    }

    [Fact]
    public void Load_ChangesGeneration_AndUnloadReverts()
    {
        var before = _plugins.Generation;
        _plugins.Load("opengauss", SeedPlugin());
        _plugins.Generation.ShouldBeGreaterThan(before);
        _plugins.Load("opengauss", SeedPlugin());
        var loaded = _plugins.Generation;

        _plugins.Unload("opengauss").ShouldBeTrue();

        _plugins.Generation.ShouldBeGreaterThan(loaded);
        Resolve(_ogMetadata).ShouldBeNull();
    }

    [Fact]
    public void Resolve_SeveralPlugins_FirstInNameOrderWins()
    {
        _plugins.Load("b-other", """function GetWorkloadTypeAndName(m) return "B", "b" end""");
        _plugins.Load("a-first", """function GetWorkloadTypeAndName(m) if string.find(m, "ogtest", 1, true) then return "A", "a" end return "", "" end""");

        Resolve(_ogMetadata).ShouldBe(new WorkloadRef("A", "a"));
        Resolve(_deploymentPodMetadata).ShouldBe(new WorkloadRef("B", "b"));
        _plugins.Names.ShouldBe(["a-first", "b-other"]);
    }

    [Fact]
    public void Validate_SyntaxError_NamesTheLine()
    {
        var error = _plugins.Validate("bad", "function GetWorkloadTypeAndName(m)\n  return 'a' 'b'\nend\n");

        error.ShouldNotBeNull();
        error.Value.Line.ShouldBe(2);
        error.Value.Error.ShouldStartWith("bad:2:");
    }

    [Fact]
    public void Validate_NoFunction_SaysWhatIsMissing()
    {
        var error = _plugins.Validate("empty", "local x = 1");

        error.ShouldNotBeNull();
        error.Value.Error.ShouldContain("GetWorkloadTypeAndName");
    }

    [Theory]
    [InlineData("io", "return io.open('/etc/passwd'):read('a'), 'x'")]
    [InlineData("os-execute", "os.execute('touch /tmp/lua-escaped') return 'x', 'y'")]
    [InlineData("binary-load", "local f = assert(load('\\27LuaT\\0', 'c', 'b')) return 'x', 'y'")]
    [InlineData("string-dump", "return string.dump(GetWorkloadTypeAndName), 'y'")]
    [InlineData("require-os", "local os2 = require('os') return 'x', 'y'")]
    [InlineData("debug", "debug.sethook() return 'x', 'y'")]
    [InlineData("loadfile", "loadfile('/etc/passwd') return 'x', 'y'")]
    [InlineData("dofile", "dofile('/etc/passwd') return 'x', 'y'")]
    [InlineData("rep-bomb", "local s = string.rep('x', 1e12) return s, 'y'")]
    [InlineData("rep-method-bomb", "local s = ('x'):rep(1e9) return s, 'y'")]
    [InlineData("infinite-loop", "while true do end")]
    [InlineData("caught-loop", "while true do pcall(function() while true do end end) end")]
    [InlineData("deep-recursion", "local function f(n) return 1 + f(n + 1) end return f(1), 'y'")]
    [InlineData("memory-bomb", "local t = {} local i = 0 while true do i = i + 1 t[i] = tostring(i) .. string.rep('x', 1000) end")]
    [InlineData("decode-bomb", "local dkjson = require('dkjson') local s = string.rep('[[],', 250000) .. '[]]' local t = {} for i = 1, 1e6 do local v, p, e = dkjson.decode(s) assert(v, e) t[i] = v end")]
    [InlineData("gc-finalizer", "setmetatable({}, { __gc = function() while true do end end }) return 'x', 'y'")]
    [InlineData("runtime-error", "local t = nil return t.x, 'y'")]
    [InlineData("wrong-types", "return 1, {}")]
    public void Resolve_EscapeOrBudgetBreach_NotHandledAndRecorded(string name, string body)
    {
        var script = $"function GetWorkloadTypeAndName(metaJsonStr)\n{body}\nend\n";
        _plugins.Load(name, script).Loaded.ShouldBeTrue();
        _plugins.Load("z-good", _echo);

        Resolve(_ogMetadata).ShouldBeNull();

        var status = _plugins.StatusOf(name)!;
        status.LastError.ShouldNotBeNullOrEmpty();
        status.ConsecutiveFailures.ShouldBe(1);
        status.LastErrorTime.ShouldNotBeNull();
        File.Exists("/tmp/lua-escaped").ShouldBeFalse();

        // The process lives and the next plugin still answers.
        Resolve("""{"labels":{"workload":"w1"}}""").ShouldBe(new WorkloadRef("Echo", "w1"));
    }

    [Fact]
    public void Resolve_InfiniteLoop_ReportsBudgetWithLine()
    {
        _plugins.Load("loop", "function GetWorkloadTypeAndName(m)\n  local i = 0\n  while true do i = i + 1 end\nend\n");

        Resolve(_ogMetadata).ShouldBeNull();

        var status = _plugins.StatusOf("loop")!;
        status.LastError!.ShouldContain("instruction budget exceeded");
        status.LastErrorLine.ShouldBe(3);
    }

    [Fact]
    public void Resolve_SlowLoop_StoppedByTheWallClock()
    {
        using var plugins = new LuaWorkloadPlugins(
            Options.Create(new LuaPluginOptions { MaxInstructions = long.MaxValue / 2, Timeout = TimeSpan.FromMilliseconds(50) }), TimeProvider.System);
        plugins.Load("slow", "function GetWorkloadTypeAndName(m)\n  while true do end\nend\n");

        plugins.Resolve(Encoding.UTF8.GetBytes(_ogMetadata)).ShouldBeNull();

        plugins.StatusOf("slow")!.LastError.ShouldBe("slow:2: timeout exceeded");
    }

    [Fact]
    public void Resolve_MemoryBomb_ReportsMemoryLimit()
    {
        _plugins.Load("mem", "function GetWorkloadTypeAndName(m)\n local t = {}\n for i = 1, 1e9 do t[i] = string.rep('y', 4096) .. i end\nend\n");

        Resolve(_ogMetadata).ShouldBeNull();

        _plugins.StatusOf("mem")!.LastError!.ShouldContain("memory limit exceeded");
    }

    [Fact]
    public void Resolve_TooManyFailuresInARow_DisablesUntilScriptChanges()
    {
        const string Failing = "function GetWorkloadTypeAndName(m) error('boom') end";
        _plugins.Load("failing", Failing);
        for (var i = 0; i < 5; i++)
        {
            Resolve(_ogMetadata).ShouldBeNull();
        }

        _plugins.StatusOf("failing")!.Disabled.ShouldBeTrue();
        _plugins.StatusOf("failing")!.LastError!.ShouldBe("failing:1: boom");
        _plugins.Load("failing", Failing).Disabled.ShouldBeTrue();

        _plugins.Load("failing", "function GetWorkloadTypeAndName(m) return 'Fixed', 'f' end").Disabled.ShouldBeFalse();
        Resolve(_ogMetadata).ShouldBe(new WorkloadRef("Fixed", "f"));
    }

    [Fact]
    public void Load_BadScript_NotLoadedWithError()
    {
        var status = _plugins.Load("broken", "function GetWorkloadTypeAndName(m)");

        status.Loaded.ShouldBeFalse();
        status.LastError!.ShouldContain("'end' expected");
        status.LastErrorLine.ShouldBe(1);
        _plugins.Names.ShouldBeEmpty();
    }

    [Fact]
    public void Resolve_ManyThreads_SerializedPerPlugin()
    {
        _plugins.Load("opengauss", SeedPlugin());

        Parallel.For(0, 2000, _ => Resolve(_ogMetadata).ShouldBe(new WorkloadRef("StatefulSet", "ogtest")));

        _plugins.StatusOf("opengauss")!.Calls.ShouldBe(2000);
    }
}
