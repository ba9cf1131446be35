using System.Diagnostics;
using System.Threading.Channels;
using Clusterpedia.Bench.Measurement;
using Clusterpedia.Bench.Results;
using Clusterpedia.Storage;

namespace Clusterpedia.Bench.Workload;

/// <summary>
/// Writes the generated data set through <see cref="IResourceStorage.UpsertAsync"/> in fixed-size batches, one batch
/// in flight like one synchro page, while a producer generates the next batches on another core. Upsert throughput is
/// objects over the summed time spent inside UpsertAsync, so generation never counts.
/// </summary>
internal static class DatasetLoader
{
    public static async Task<LoadResult> LoadAsync(
        IResourceStorage storage, WorkloadShape shape, int batchSize, int seed, double? targetObjectsPerSecond,
        CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ResourceRecord[]>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        long rawBytes = 0, podBytes = 0, pods = 0;
        var producer = Task.Run(async () =>
        {
            try
            {
                var batch = new List<ResourceRecord>(batchSize);
                using var generator = new ObjectGenerator(shape, seed);
                foreach (var record in generator.Generate())
                {
                    rawBytes += record.Object.Length;
                    if (record.Resource == "pods")
                    {
                        podBytes += record.Object.Length;
                        pods++;
                    }

                    batch.Add(record);
                    if (batch.Count == batchSize)
                    {
                        await channel.Writer.WriteAsync([.. batch], cancellationToken);
                        batch.Clear();
                    }
                }

                if (batch.Count > 0)
                {
                    await channel.Writer.WriteAsync([.. batch], cancellationToken);
                }

                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, cancellationToken);

        var batchTimes = new List<double>((int)(shape.Rows / batchSize) + 1);
        var batchSizes = new List<int>(batchTimes.Capacity);
        long written = 0;
        var nextReport = shape.Rows / 10;
        var wall = Stopwatch.StartNew();
        await foreach (var batch in channel.Reader.ReadAllAsync(cancellationToken))
        {
            var start = Stopwatch.GetTimestamp();
            await storage.UpsertAsync(batch, cancellationToken);
            batchTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            batchSizes.Add(batch.Length);
            written += batch.Length;
            if (written >= nextReport)
            {
                Console.Error.WriteLine($"    loaded {written:N0}/{shape.Rows:N0} rows ({written / wall.Elapsed.TotalSeconds:N0}/s wall)");
                nextReport += shape.Rows / 10;
            }
        }

        await producer;
        var upsertSeconds = batchTimes.Sum() / 1000;
        var tenth = Math.Max(1, batchTimes.Count / 10);
        var lastTenthSeconds = batchTimes.TakeLast(tenth).Sum() / 1000;
        var lastTenthObjects = batchSizes.TakeLast(tenth).Sum();
        var latencies = new Percentiles(batchTimes);
        return new LoadResult
        {
            Objects = written,
            BatchSize = batchSize,
            Seconds = Math.Round(upsertSeconds, 2),
            ObjectsPerSecond = Math.Round(written / upsertSeconds),
            BatchP50Ms = Math.Round(latencies.At(50), 2),
            BatchP95Ms = Math.Round(latencies.At(95), 2),
            BatchP99Ms = Math.Round(latencies.At(99), 2),
            LastTenthObjectsPerSecond = Math.Round(lastTenthObjects / lastTenthSeconds),
            RawJsonBytes = rawBytes,
            AveragePodJsonBytes = pods == 0 ? 0 : Math.Round(podBytes / (double)pods),
            TargetObjectsPerSecond = targetObjectsPerSecond,
        };
    }
}
