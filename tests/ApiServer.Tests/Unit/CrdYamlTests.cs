using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clusterpedia.ApiServer.Http;
using Clusterpedia.ClusterSynchro.Clusters;

namespace Clusterpedia.ApiServer.Tests.Unit;

/// <summary>
/// crds/*.yaml (applied to a host cluster in hosted mode) say exactly what the PediaCluster API type says in code
/// (<see cref="PediaClusterCrd"/>): every field, type, format, description, required list and printer column. A
/// difference fails with one line per path, naming what the code has and what the file has.
/// </summary>
public sealed class CrdYamlTests
{
    private static readonly JsonSerializerOptions _readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string> Files() =>
        ["cluster.clusterpedia.io_pediaclusters.yaml", "cluster.clusterpedia.io_clustersyncresources.yaml", "clusters.clusterpedia.io_pediaclusters.yaml"];

    [Theory]
    [MemberData(nameof(Files))]
    public void CrdYaml_ComparedWithTheApiType_Identical(string file)
    {
        var expected = file switch
        {
            "clusters.clusterpedia.io_pediaclusters.yaml" => PediaClusterCrd.LegacyPediaClusters(),
            "cluster.clusterpedia.io_pediaclusters.yaml" => PediaClusterCrd.PediaClusters(),
            _ => PediaClusterCrd.ClusterSyncResources(),
        };
        var actual = YamlToJson.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "crds", file)));

        var differences = new List<string>();
        Compare(expected, actual, "", differences);

        differences.ShouldBeEmpty(
            $"crds/{file} differs from PediaClusterCrd (src/ClusterSynchro/Clusters); change the code, then the file to match:\n  "
            + string.Join("\n  ", differences));
    }

    [Fact]
    public void PrinterColumns_ServerTableAndCrd_SameColumns()
    {
        var crd = PediaClusterCrd.PediaClusters()["spec"]!["versions"]![0]!["additionalPrinterColumns"]!.AsArray();

        PediaClusterPrinter.Instance.Columns.Skip(1).Select(c => (c.Name, c.Priority, c.Description)).ShouldBe(
            crd.Select(c => (c!["name"]!.GetValue<string>(), c["priority"]?.GetValue<int>() ?? 0, c["description"]!.GetValue<string>())));
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> differences)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var (key, value) in e)
                {
                    if (!a.ContainsKey(key))
                    {
                        differences.Add($"{path}.{key}: missing in the file (code has {value?.ToJsonString(_readable)})");
                    }
                    else
                    {
                        Compare(value, a[key], $"{path}.{key}", differences);
                    }
                }

                foreach (var (key, value) in a)
                {
                    if (!e.ContainsKey(key))
                    {
                        differences.Add($"{path}.{key}: only in the file ({value?.ToJsonString(_readable)}), not in the code");
                    }
                }

                break;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    differences.Add($"{path}: the code has {e.Count} items, the file {a.Count}: {e.ToJsonString(_readable)} vs {a.ToJsonString(_readable)}");
                    break;
                }

                for (var i = 0; i < e.Count; i++)
                {
                    Compare(e[i], a[i], $"{path}[{i}]", differences);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    differences.Add($"{path}: the code has {expected?.ToJsonString(_readable) ?? "null"}, the file {actual?.ToJsonString(_readable) ?? "null"}");
                }

                break;
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Clusterpedia.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Clusterpedia.slnx above {AppContext.BaseDirectory}: the test reads crds/ from the repository");
    }
}
