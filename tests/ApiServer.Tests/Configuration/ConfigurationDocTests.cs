using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Clusterpedia.ApiServer.Tests.Configuration;

/// <summary>
/// "Documented defaults = what the server uses": the key tables of docs/configuration.md against what
/// <c>--print-config</c> prints with no configuration: every key the server has is documented with the default it
/// uses, and every documented key exists.
/// </summary>
public sealed partial class ConfigurationDocTests
{
    [Fact]
    public async Task KeyTables_AgainstPrintConfigWithoutConfiguration_ListEveryKeyWithItsDefault()
    {
        var documented = ParseTables(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "configuration.md")));
        var run = await ServerCommandRun.PrintConfigAsync();
        run.ExitCode.ShouldBe(0, run.ToString());
        var printed = JsonNode.Parse(run.Stdout)!.AsObject();

        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (section, value) in printed)
        {
            Walk(section, value!.AsObject());
        }

        foreach (var (section, rows) in documented)
        {
            problems.AddRange(rows.Keys.Where(k => !seen.Contains(section + ":" + k)).Select(k => $"{section}:{k} is documented but the server has no such key"));
        }

        problems.ShouldBeEmpty(string.Join('\n', problems));

        void Walk(string section, JsonObject values)
        {
            if (!documented.TryGetValue(section, out var rows))
            {
                problems.Add($"section {section} has no table (### `{section}`) in docs/configuration.md");
                return;
            }

            foreach (var (key, value) in values)
            {
                if (value is JsonObject child && documented.ContainsKey(section + ":" + key))
                {
                    Walk(section + ":" + key, child);
                    continue;
                }

                seen.Add(section + ":" + key);
                if (!rows.TryGetValue(key, out var text))
                {
                    problems.Add($"{section}:{key} (default {value?.ToJsonString() ?? "null"}) is not documented");
                }
                else if (!JsonNode.DeepEquals(JsonNode.Parse(text), value))
                {
                    problems.Add($"{section}:{key}: documented default {text}, the server uses {value?.ToJsonString() ?? "null"}");
                }
            }
        }
    }

    /// <summary>Section path → key → the default cell's JSON, from the tables after each <c>### `Section`</c> heading.</summary>
    private static Dictionary<string, Dictionary<string, string>> ParseTables(string markdown)
    {
        var tables = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var line in markdown.Split('\n'))
        {
            if (SectionHeading().Match(line) is { Success: true } heading)
            {
                current = [];
                tables[heading.Groups[1].Value] = current;
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                current = null;
            }
            else if (current is not null && KeyRow().Match(line) is { Success: true } row)
            {
                current[row.Groups[1].Value] = row.Groups[2].Value;
            }
        }

        tables.ShouldNotBeEmpty("docs/configuration.md has no key tables (### `Section` headings)");
        return tables;
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

        throw new InvalidOperationException($"no Clusterpedia.slnx above {AppContext.BaseDirectory}: the test reads docs/ from the repository");
    }

    [GeneratedRegex(@"^### `([A-Za-z:]+)`\s*$")]
    private static partial Regex SectionHeading();

    // | `Key` | type | `default JSON` | meaning |
    [GeneratedRegex(@"^\| `(\w+)` \| [^|]+ \| `([^`]*)` \|")]
    private static partial Regex KeyRow();
}
