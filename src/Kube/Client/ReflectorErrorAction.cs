namespace Clusterpedia.Kube.Client;

/// <summary>What a <see cref="Reflector"/> does after a failure its handler has seen.</summary>
public enum ReflectorErrorAction
{
    /// <summary>Wait (jittered, exponential in the failures since the last good list), then list again.</summary>
    Backoff,

    /// <summary>List again at once: the handler changed something that makes the next attempt differ.</summary>
    RelistAtOnce,

    /// <summary>End the run: there is nothing to reflect.</summary>
    Stop,
}
