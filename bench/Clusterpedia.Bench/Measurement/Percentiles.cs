namespace Clusterpedia.Bench.Measurement;

/// <summary>Nearest-rank percentiles of a set of samples (milliseconds).</summary>
internal sealed class Percentiles
{
    private readonly double[] _sorted;

    public Percentiles(IEnumerable<double> samples)
    {
        _sorted = [.. samples];
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    public double Min => _sorted.Length == 0 ? 0 : _sorted[0];

    public double Max => _sorted.Length == 0 ? 0 : _sorted[^1];

    public double Mean => _sorted.Length == 0 ? 0 : _sorted.Average();

    public double At(double percentile)
    {
        if (_sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * _sorted.Length);
        return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
    }
}
