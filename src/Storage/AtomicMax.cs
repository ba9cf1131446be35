namespace Clusterpedia.Storage;

/// <summary>A 64-bit high-water mark that many threads raise at once without a lock.</summary>
internal static class AtomicMax
{
    /// <summary>Sets <paramref name="target"/> to <paramref name="value"/> if that is higher; never lowers it.</summary>
    public static void Raise(ref long target, long value)
    {
        var seen = Interlocked.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
