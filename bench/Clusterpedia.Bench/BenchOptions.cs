using System.Globalization;

namespace Clusterpedia.Bench;

/// <summary>
/// Command-line options, with the full-run defaults; <c>--quick</c> switches to the small set, <c>--scale 10m</c> to
/// issue 18's 10-million-row PostgreSQL run. Other options given with them still apply.
/// </summary>
internal sealed class BenchOptions
{
    /// <summary>The one size <c>--scale</c> takes.</summary>
    public const string TenMillion = "10m";

    public bool Quick { get; private set; }

    /// <summary><c>10m</c> for <c>--scale 10m</c>, else null.</summary>
    public string? Scale { get; private set; }

    /// <summary>The run's name in the results: full, quick or 10m (also the results file's suffix).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Mode => Scale ?? (Quick ? "quick" : "full");

    /// <summary>Rows loaded into PostgreSQL; 0 skips the engine.</summary>
    public int PostgresRows { get; private set; } = 1_000_000;

    /// <summary>Rows loaded into MySQL (a private MariaDB); 0 skips the engine.</summary>
    public int MySqlRows { get; private set; } = 1_000_000;

    /// <summary>Rows loaded into SQLite; 0 skips the engine.</summary>
    public int SqliteRows { get; private set; } = 200_000;
    public int Clusters { get; private set; } = 5;
    public int Namespaces { get; private set; } = 20;
    public int BatchSize { get; private set; } = 500;
    public int Warmup { get; private set; } = 10;
    public int Repetitions { get; private set; } = 200;
    public double ScenarioBudgetSeconds { get; private set; } = 10;
    public int Seed { get; private set; } = 20261122;
    public string? Output { get; private set; }

    /// <summary>S2 through the HTTP API (server child process) and the raw-SQL floor, on the loaded PostgreSQL database.</summary>
    public bool SearchOverHttp { get; private set; } = true;

    /// <summary>Also time the query mix in-process against the storage on PostgreSQL (issue 5's figures).</summary>
    public bool PostgresInProcessQueries { get; private set; }

    /// <summary>Seconds of timed runs per S2 query, per mode (API or SQL) and concurrency.</summary>
    public double SearchBudgetSeconds { get; private set; } = 6;

    /// <summary>Simulated member clusters of the end-to-end scenarios S1, S3, S4, S5; 0 skips them.</summary>
    public int EndToEndClusters { get; private set; } = 5;
    public int EndToEndNamespaces { get; private set; } = 20;
    public int EndToEndDeployments { get; private set; } = 40;
    public int EndToEndPods { get; private set; } = 20;

    /// <summary>
    /// S4: member writes a second across the clusters, and for how long. The full run writes at the rate of issue 18's
    /// lag target; quick keeps issue 8's 1,000/s, which its three small members and a busy machine can follow (its S4
    /// check is then missed for the rate, by design).
    /// </summary>
    public int ChurnPerSecond { get; private set; } = (int)Results.Issue18Targets.ChurnPerSecond;
    public double ChurnSeconds { get; private set; } = 30;

    /// <summary>
    /// S4 on PostgreSQL also samples <c>pg_stat_activity</c> every 100 ms (what it waits on in each second). Off by
    /// default: ten extra statements a second on a 2-core machine may perturb the lag it explains.
    /// </summary>
    public bool ChurnWaits { get; private set; }

    /// <summary>Engines behind the server in the end-to-end scenarios.</summary>
    public List<string> EndToEndEngines { get; private set; } = ["sqlite", "postgres", "mysql"];

    /// <summary>Extra <c>name=value</c> server settings of the private PostgreSQL (ablation: e.g. synchronous_commit=off).</summary>
    public List<string> PostgresSettings { get; } = [];

    /// <summary>Extra <c>name=value</c> options of the end-to-end MariaDB, replacing a default of the same name (ablation: e.g. innodb-log-file-size=1G).</summary>
    public List<string> MySqlSettings { get; } = [];

    /// <summary>
    /// Environment variables of the server child processes (S2 through HTTP and end to end) only, not of this process
    /// (which holds the members and the watchers): runtime ablations such as <c>DOTNET_GCgen0size</c>.
    /// </summary>
    public List<string> ServerEnvironment { get; } = [];

    /// <summary>
    /// A directory that keeps the private PostgreSQL between runs: created and loaded on the first run, started again
    /// and reused (no load) by a later run with the same rows, clusters, namespaces and seed. Null: a throw-away one.
    /// </summary>
    public string? PostgresDataDirectory { get; private set; }

    /// <summary>As <see cref="PostgresDataDirectory"/>, for the MariaDB of the MySQL run (S2), the database <c>bench</c> in it.</summary>
    public string? MySqlDataDirectory { get; private set; }

    /// <summary>PostgreSQL indexes of the resources table to drop before loading: an ablation, to see what each costs.</summary>
    public List<string> DropIndexes { get; } = [];

    public static string Usage => """
        usage: Clusterpedia.Bench [--quick | --scale 10m] [--postgres-rows N] [--mysql-rows N] [--sqlite-rows N] [--clusters N] [--namespaces N]
                                  [--batch N] [--warmup N] [--reps N] [--budget SECONDS] [--seed N] [--output FILE]
                                  [--drop-index NAME]... [--postgres-setting NAME=VALUE]... [--mysql-setting NAME=VALUE]... [--server-env NAME=VALUE]... [--e2e-clusters N] [--e2e-namespaces N] [--e2e-deployments N]
                                  [--e2e-pods N] [--e2e-engines sqlite,postgres,mysql] [--churn N] [--churn-seconds S] [--churn-waits]
                                  [--s2-budget SECONDS] [--no-s2-http] [--postgres-inprocess] [--postgres-data DIR]
                                  [--mysql-data DIR]
          --quick          20k rows on PostgreSQL, MySQL and SQLite, 30 repetitions, small end-to-end, churn 1000/s (under 4 minutes)
          --scale 10m      issue 18's 10M-row run: PostgreSQL only, 10,000,000 rows in 50 clusters × 20 namespaces (the 1M
                           run's namespaces with 10× the clusters), S2 through HTTP with the 50 ms p95 target; MySQL,
                           SQLite and end to end skipped; writes bench/results/<date>-10m.json (not part of the default run)
          --postgres-rows  rows on PostgreSQL (default 1000000; 0 skips PostgreSQL)
          --mysql-rows     rows on MySQL, a private MariaDB (default 1000000; 0 skips MySQL); S2 through HTTP as on PostgreSQL
          --sqlite-rows    rows on SQLite (default 200000; 0 skips SQLite)
          --reps           timed repetitions per query (default 200), within --budget seconds each (default 10; quick 1.5)
          --drop-index     drop this index of the PostgreSQL resources table before loading (ablation; repeatable)
          --postgres-setting  extra server setting of the private PostgreSQLs, the loaded one and the end-to-end one (ablation; repeatable)
          --mysql-setting  server option of the end-to-end MariaDB, replacing the default of that name (ablation; repeatable)
          --server-env     environment variable of our server's child processes only, e.g. DOTNET_GCgen0size=0x4000000 (ablation; repeatable)
          --postgres-data  keep the private PostgreSQL in DIR: the first run loads it and leaves it there (stopped); a
                           later run with the same rows, clusters, namespaces and seed starts it again and skips the load
                           (its results then have no load figures). Not with --drop-index. Delete DIR to free the disk.
          --mysql-data     the same for the MariaDB of the MySQL run (S2 at --mysql-rows)
          --s2-budget      seconds of timed runs per S2 query through HTTP, per mode and concurrency (default 6; quick 1)
          --no-s2-http     skip S2 through the HTTP API (server child process + raw-SQL floor) on PostgreSQL and MySQL
          --postgres-inprocess  also time the query mix in-process against the storage on PostgreSQL (issue 5)
          --e2e-clusters   simulated members of the end-to-end scenarios S1/S3/S4/S5 (default 5; quick 3; 0 skips
                           them), each with --e2e-namespaces (20; quick 10) × --e2e-deployments (40; quick 20) ×
                           --e2e-pods (20; quick 10), behind the server (child process) on --e2e-engines (default
                           sqlite,postgres,mysql)
          --churn          S4: member writes a second across the clusters (default 5000, issue 18's rate; quick 1000),
                           for --churn-seconds (default 30; quick 8); --churn-waits also samples what PostgreSQL waits
                           on in each second of it (pg_stat_activity every 100 ms; off by default, it adds load)
          --output         results JSON (default: bench/results/<UTC date>.json, <date>-quick.json or <date>-10m.json under
                           the current directory)
        separate measurements (first argument): --plugins [PLUGIN.lua] [CALLS] (Lua plugin cost per pod);
          --clients [--objects N] [--changes M] [--paths raw,generic,typed] [--limit 500] [--output FILE]
          (our list/watch client against KubernetesClient's, each path in its own process; bench/README.md)
          --scale-out [--quick] (sync, takeover and search with synchro and API replicas; --scale-out --help)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        if (args.Contains("--quick"))
        {
            options.Quick = true;
            options.PostgresRows = 20_000;
            options.MySqlRows = 20_000;
            options.SqliteRows = 20_000;
            options.Warmup = 3;
            options.Repetitions = 30;
            options.ScenarioBudgetSeconds = 1.5;
            options.SearchBudgetSeconds = 1;
            options.EndToEndClusters = 3;
            options.EndToEndNamespaces = 10;
            options.EndToEndDeployments = 20;
            options.EndToEndPods = 10;
            options.ChurnSeconds = 8;
            options.ChurnPerSecond = 1000;
        }

        var scale = args.ToList().IndexOf("--scale");
        if (scale >= 0)
        {
            if (Value(args, scale + 1) != TenMillion)
            {
                throw new ArgumentException($"--scale takes {TenMillion}, got '{args[scale + 1]}'");
            }

            if (options.Quick)
            {
                throw new ArgumentException("--scale 10m and --quick exclude each other");
            }

            // Exactly what `--postgres-rows 10000000 --clusters 50 --mysql-rows 0 --sqlite-rows 0 --e2e-clusters 0`
            // measures: 1,250 deployments per namespace as in the 1M run, ten times the clusters.
            options.Scale = TenMillion;
            options.PostgresRows = 10_000_000;
            options.Clusters = 50;
            options.MySqlRows = 0;
            options.SqliteRows = 0;
            options.EndToEndClusters = 0;
        }

        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--scale":
                    i++;
                    break;
                case "--postgres-rows":
                    options.PostgresRows = Int(args, ++i);
                    break;
                case "--mysql-rows":
                    options.MySqlRows = Int(args, ++i);
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
                case "--s2-budget":
                    options.SearchBudgetSeconds = Positive(args, ++i);
                    break;
                case "--no-s2-http":
                    options.SearchOverHttp = false;
                    break;
                case "--postgres-inprocess":
                    options.PostgresInProcessQueries = true;
                    break;
                case "--churn":
                    options.ChurnPerSecond = Int(args, ++i);
                    break;
                case "--churn-waits":
                    options.ChurnWaits = true;
                    break;
                case "--churn-seconds":
                    options.ChurnSeconds = Positive(args, ++i);
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
                    if (options.EndToEndEngines.Any(e => e is not ("sqlite" or "postgres" or "mysql")))
                    {
                        throw new ArgumentException("--e2e-engines takes sqlite, postgres, mysql or several (comma-separated)");
                    }

                    break;
                case "--postgres-setting":
                    options.PostgresSettings.Add(NameValue(args, ++i, "^[a-z_]+=[A-Za-z0-9_.]+$"));
                    break;
                case "--mysql-setting":
                    options.MySqlSettings.Add(NameValue(args, ++i, "^[a-z_-]+=[A-Za-z0-9_.]+$"));
                    break;
                case "--server-env":
                    options.ServerEnvironment.Add(NameValue(args, ++i, "^[A-Za-z_][A-Za-z0-9_]*=[A-Za-z0-9_.:/-]*$"));
                    break;
                case "--drop-index":
                    options.DropIndexes.Add(Value(args, ++i));
                    break;
                case "--postgres-data":
                    options.PostgresDataDirectory = Path.GetFullPath(Value(args, ++i));
                    break;
                case "--mysql-data":
                    options.MySqlDataDirectory = Path.GetFullPath(Value(args, ++i));
                    break;
                case "--output":
                    options.Output = Value(args, ++i);
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (options.PostgresDataDirectory is not null && options.DropIndexes.Count > 0)
        {
            throw new ArgumentException("--postgres-data and --drop-index exclude each other: a kept database would lose its indexes for every later run");
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, int i) =>
        i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

    /// <summary>The <c>name=value</c> at <paramref name="i"/>, refused unless it matches <paramref name="pattern"/>.</summary>
    private static string NameValue(IReadOnlyList<string> args, int i, string pattern)
    {
        var text = Value(args, i);
        return System.Text.RegularExpressions.Regex.IsMatch(text, pattern)
            ? text
            : throw new ArgumentException($"{args[i - 1]} takes name=value, got '{text}'");
    }

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
