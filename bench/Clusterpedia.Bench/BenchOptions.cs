using System.Globalization;

namespace Clusterpedia.Bench;

/// <summary>Command-line options, with the full-run defaults; <c>--quick</c> switches to the small set.</summary>
internal sealed class BenchOptions
{
    public bool Quick { get; private set; }

    /// <summary>Rows loaded into PostgreSQL; 0 skips the engine.</summary>
    public int PostgresRows { get; private set; } = 1_000_000;

    /// <summary>Rows loaded into SQLite; 0 skips the engine.</summary>
    public int SqliteRows { get; private set; } = 200_000;
    public int Clusters { get; private set; } = 5;
    public int Namespaces { get; private set; } = 20;
    public int BatchSize { get; private set; } = 500;
    public int Warmup { get; private set; } = 10;
    public int Repetitions { get; private set; } = 200;
    public double ScenarioBudgetSeconds { get; private set; } = 15;
    public int Seed { get; private set; } = 20261122;
    public string? Output { get; private set; }

    /// <summary>Simulated member clusters of the end-to-end scenarios S1 and S3; 0 skips them.</summary>
    public int EndToEndClusters { get; private set; } = 3;
    public int EndToEndNamespaces { get; private set; } = 10;
    public int EndToEndDeployments { get; private set; } = 40;
    public int EndToEndPods { get; private set; } = 5;

    /// <summary>Engines behind the server in the end-to-end scenarios.</summary>
    public List<string> EndToEndEngines { get; private set; } = ["sqlite", "postgres"];

    /// <summary>Extra <c>name=value</c> server settings of the private PostgreSQL (ablation: e.g. synchronous_commit=off).</summary>
    public List<string> PostgresSettings { get; } = [];

    /// <summary>PostgreSQL indexes of the resources table to drop before loading: an ablation, to see what each costs.</summary>
    public List<string> DropIndexes { get; } = [];

    public static string Usage => """
        usage: Clusterpedia.Bench [--quick] [--postgres-rows N] [--sqlite-rows N] [--clusters N] [--namespaces N]
                                  [--batch N] [--warmup N] [--reps N] [--budget SECONDS] [--seed N] [--output FILE]
                                  [--drop-index NAME]... [--postgres-setting NAME=VALUE]... [--e2e-clusters N] [--e2e-namespaces N] [--e2e-deployments N]
                                  [--e2e-pods N] [--e2e-engines sqlite,postgres]
          --quick          40k rows on PostgreSQL and on SQLite, 30 repetitions, small end-to-end (under 3 minutes)
          --postgres-rows  rows on PostgreSQL (default 1000000; 0 skips PostgreSQL)
          --sqlite-rows    rows on SQLite (default 200000; 0 skips SQLite)
          --reps           timed repetitions per query (default 200), within --budget seconds each (default 15)
          --drop-index     drop this index of the PostgreSQL resources table before loading (ablation; repeatable)
          --postgres-setting  extra server setting of the private PostgreSQL (ablation; repeatable)
          --e2e-clusters   simulated members of the end-to-end scenarios S1/S3 (default 3; 0 skips them), each with
                           --e2e-namespaces (10) × --e2e-deployments (40; quick 10) × --e2e-pods (5), behind the
                           server on --e2e-engines (default sqlite,postgres; quick sqlite)
          --output         results JSON (default: bench/results/<UTC date>-<mode>.json under the current directory)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        if (args.Contains("--quick"))
        {
            options.Quick = true;
            options.PostgresRows = 40_000;
            options.SqliteRows = 40_000;
            options.Warmup = 3;
            options.Repetitions = 30;
            options.ScenarioBudgetSeconds = 2.5;
            options.EndToEndDeployments = 10;
            options.EndToEndEngines = ["sqlite"];
        }

        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--postgres-rows":
                    options.PostgresRows = Int(args, ++i);
                    break;
                case "--sqlite-rows":
                    options.SqliteRows = Int(args, ++i);
                    break;
                case "--clusters":
                    options.Clusters = Positive(args, ++i);
                    break;
                case "--namespaces":
                    options.Namespaces = Positive(args, ++i);
                    break;
                case "--batch":
                    options.BatchSize = Positive(args, ++i);
                    break;
                case "--warmup":
                    options.Warmup = Int(args, ++i);
                    break;
                case "--reps":
                    options.Repetitions = Positive(args, ++i);
                    break;
                case "--budget":
                    options.ScenarioBudgetSeconds = Positive(args, ++i);
                    break;
                case "--seed":
                    options.Seed = Int(args, ++i);
                    break;
                case "--e2e-clusters":
                    options.EndToEndClusters = Int(args, ++i);
                    break;
                case "--e2e-namespaces":
                    options.EndToEndNamespaces = Positive(args, ++i);
                    break;
                case "--e2e-deployments":
                    options.EndToEndDeployments = Positive(args, ++i);
                    break;
                case "--e2e-pods":
                    options.EndToEndPods = Positive(args, ++i);
                    break;
                case "--e2e-engines":
                    options.EndToEndEngines = [.. Value(args, ++i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    if (options.EndToEndEngines.Any(e => e is not ("sqlite" or "postgres")))
                    {
                        throw new ArgumentException("--e2e-engines takes sqlite, postgres or both (comma-separated)");
                    }

                    break;
                case "--postgres-setting":
                    var setting = Value(args, ++i);
                    options.PostgresSettings.Add(System.Text.RegularExpressions.Regex.IsMatch(setting, "^[a-z_]+=[A-Za-z0-9_.]+$")
                        ? setting
                        : throw new ArgumentException($"--postgres-setting takes name=value, got '{setting}'"));
                    break;
                case "--drop-index":
                    options.DropIndexes.Add(Value(args, ++i));
                    break;
                case "--output":
                    options.Output = Value(args, ++i);
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, int i) =>
        i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

    private static int Int(IReadOnlyList<string> args, int i)
    {
        var text = Value(args, i);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{args[i - 1]} needs a non-negative integer, got '{text}'");
    }

    private static int Positive(IReadOnlyList<string> args, int i)
    {
        var value = Int(args, i);
        return value > 0 ? value : throw new ArgumentException($"{args[i - 1]} must be greater than 0");
    }
}
