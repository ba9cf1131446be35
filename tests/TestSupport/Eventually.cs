namespace Clusterpedia.TestSupport;

/// <summary>
/// Polls a condition that something in the background (a controller, a synchro, a server) makes true, and fails with a
/// description of what was last seen when it does not hold in time. The one wait of the test projects.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan _defaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Waits for a condition on in-process state, polled every 20 ms.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout ?? _defaultTimeout, () => Task.FromResult("timed out waiting for " + what), TimeSpan.FromMilliseconds(20));

    /// <summary>
    /// Waits for a condition that needs I/O to check, polled every <paramref name="interval"/> (100 ms by default);
    /// <paramref name="describe"/> says what was seen instead when the time is up.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not reached within {timeout.TotalSeconds:0.#} s: {await describe()}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>As <see cref="UntilAsync(Func{Task{bool}}, TimeSpan, Func{Task{string}}, TimeSpan?)"/> with a fixed description.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        UntilAsync(condition, timeout, () => Task.FromResult(what), interval);
}
