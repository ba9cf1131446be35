namespace Clusterpedia.Kube.Client;

/// <summary>A watch stream stayed silent (not even a bookmark) for longer than <see cref="KubeClientOptions.WatchIdleTimeout"/>.</summary>
public sealed class WatchIdleTimeoutException : TimeoutException
{
    public WatchIdleTimeoutException()
    {
    }

    public WatchIdleTimeoutException(string message)
        : base(message)
    {
    }

    public WatchIdleTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
