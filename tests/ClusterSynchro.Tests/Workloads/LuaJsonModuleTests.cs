using System.Text;
using Clusterpedia.ClusterSynchro.Workloads;
using Clusterpedia.ClusterSynchro.Workloads.Lua;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Tests.Workloads;

/// <summary>
/// Our require("dkjson") behaves as dkjson's decode(str, pos, nullval) does for plugins. Each case is a Lua
/// expression over the module that must produce a string; the plugin returns it as the workload name.
/// </summary>
public sealed class LuaJsonModuleTests : IDisposable
{
    private readonly LuaWorkloadPlugins _plugins = new(Options.Create(new LuaPluginOptions()), TimeProvider.System);

    public void Dispose() => _plugins.Dispose();

    [Theory]
    [InlineData("""local v = j.decode('{"a":{"b":[10,20,30]}}', 1, nil) return tostring(v.a.b[2]) .. "/" .. #v.a.b""", "20/3")]
    [InlineData("""local v, p = j.decode('  [1,2]  xyz', 1, nil) return tostring(p)""", "8")]
    [InlineData("""local v, p = j.decode('xx{"k":1}', 3) return tostring(v.k) .. "@" .. p""", "1@10")]
    [InlineData("""local v = j.decode('{"a":null,"b":1}', 1, nil) return tostring(v.a) .. tostring(v.b)""", "nil1")]
    [InlineData("""local v = j.decode('{"a":null}', 1, j.null) return tostring(v.a == j.null)""", "true")]
    [InlineData("""local v = j.decode('[1,null,3]', 1, "N") return v[2] .. #v""", "N3")]
    [InlineData("""local v = j.decode('"a\\u00e9\\ud83d\\ude00\\n\\"q"') return v""", "aé😀\n\"q")]
    [InlineData("""local v = j.decode('[true,false,-1.5e2,0]') return tostring(v[1]) .. tostring(v[2]) .. tostring(v[3]) .. tostring(v[4])""", "truefalse-150.00")]
    [InlineData("""local v, pos, err = j.decode('{"a":', 1, nil) return tostring(v) .. "|" .. pos .. "|" .. err""", "nil|6|invalid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. at position 6")]
    [InlineData("""local v, pos, err = j.decode('{"a" 1}') return tostring(v) .. "|" .. pos""", "nil|6")]
    [InlineData("""local v, pos, err = j.decode('"open') return err""", "invalid JSON: Expected end of string, but instead reached end of data. at position 1")]
    [InlineData("""local v, pos, err = j.decode(string.rep("[", 300)) return tostring(v) .. "|" .. err:sub(1, 13)""", "nil|invalid JSON:")]
    [InlineData("""local v, pos, err = j.decode("") return tostring(v) .. "|" .. pos .. "|" .. err:sub(1, 13)""", "nil|1|invalid JSON:")]
    [InlineData("""local v = j.decode('{"big":12345678901234567890,"i":-7}') return math.type(v.big) .. math.type(v.i)""", "floatinteger")]
    [InlineData("""return j.encode({ name = "x\n", list = {1, 2.5, true}, none = j.null })""", "{\"list\":[1,2.5,true],\"name\":\"x\\n\",\"none\":null}")]
    [InlineData("""return j.encode(j.decode('{"a":[{"b":"c"}]}'))""", "{\"a\":[{\"b\":\"c\"}]}")]
    public void Decode_LikeDkjson(string expression, string expected)
    {
        var script = $"package.path = package.path..\";/bin/?.lua\"\nlocal j = require(\"dkjson\")\nfunction GetWorkloadTypeAndName(metaJsonStr)\nlocal function run() {expression} end\nreturn \"Result\", run()\nend\n";
        var status = _plugins.Load("json", script);
        status.Loaded.ShouldBeTrue(status.LastError);

        var result = _plugins.Resolve(Encoding.UTF8.GetBytes("{}"));

        _plugins.StatusOf("json")!.LastError.ShouldBeNull();
        result.ShouldBe(new WorkloadRef("Result", expected));
    }
}
