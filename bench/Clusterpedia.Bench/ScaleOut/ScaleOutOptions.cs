using System.Globalization;

namespace Clusterpedia.Bench.ScaleOut;

/// <summary>Options of <c>Clusterpedia.Bench --scale-out</c>, with the full-run defaults; <c>--quick</c> is the smoke size.</summary>
internal sealed class ScaleOutOptions
{
    public const string Usage = """
        Clusterpedia.Bench --scale-out [--quick] [--members N] [--namespaces N] [--deployments N] [--pods N]
                                       [--search-seconds S] [--lease-seconds S] [--no-standby] [--output FILE]
          on a private PostgreSQL, with server child processes in roles (API-only, synchro-only with sharding):
          sync of N simulated members (default 4 × 20 namespaces × 20 deployments × 10 pods; quick 3 × 3 × 4 × 3) with
          one and with two synchro replicas; SIGKILL of one of two synchro replicas, time until its clusters are held
          by the other and the stored set equals the members' by uid and resourceVersion; search throughput at
          concurrency 16 and 64 through one and through two API replicas (round robin), --search-seconds each
          (default 10; quick 1), then through two API replicas reading a hot standby (pg_basebackup; --no-standby skips
          it); leases of --lease-seconds (default 15, the product default; quick 3).
          Prints Markdown tables; writes the figures as JSON (default bench/results/<UTC date>-scale-out[-quick].json).
        """;

    public bool Quick { get; private set; }

    public int Members { get; private set; } = 4;

    public int Namespaces { get; private set; } = 20;

    public int Deployments { get; private set; } = 20;

    public int Pods { get; private set; } = 10;

    public double SearchSeconds { get; private set; } = 10;

    public int LeaseSeconds { get; private set; } = 15;

    public string? Output { get; private set; }

    /// <summary>Also search through two API replicas reading a hot standby (on by default; <c>--no-standby</c>).</summary>
    public bool Standby { get; private set; } = true;

    public static ScaleOutOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ScaleOutOptions();
        if (args.Contains("--quick"))
        {
            options.Quick = true;
            options.Members = 3;
            options.Namespaces = 3;
            options.Deployments = 4;
            options.Pods = 3;
            options.SearchSeconds = 1;
            options.LeaseSeconds = 3;
        }

        // args[0] is --scale-out.
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--members":
                    options.Members = Positive(args, ++i, 2);
                    break;
                case "--namespaces":
                    options.Namespaces = Positive(args, ++i, 1);
                    break;
                case "--deployments":
                    options.Deployments = Positive(args, ++i, 1);
                    break;
                case "--pods":
                    options.Pods = Positive(args, ++i, 1);
                    break;
                case "--search-seconds":
                    options.SearchSeconds = Positive(args, ++i, 1);
                    break;
                case "--lease-seconds":
                    options.LeaseSeconds = Positive(args, ++i, 1);
                    break;
                case "--no-standby":
                    options.Standby = false;
                    break;
                case "--output":
                    options.Output = ++i < args.Count ? args[i] : throw new ArgumentException("--output needs a value");
                    break;
                default:
                    throw new ArgumentException($"--scale-out: unknown option {args[i]}");
            }
        }

        return options;
    }

    private static int Positive(IReadOnlyList<string> args, int i, int minimum)
    {
        var text = i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new ArgumentException($"{args[i - 1]} needs a whole number of at least {minimum}, got '{text}'");
    }
}
