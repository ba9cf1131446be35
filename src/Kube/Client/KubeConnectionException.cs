namespace Clusterpedia.Kube.Client;

/// <summary>The server could not be reached or trusted (e.g. TLS verification failed); the message says why.</summary>
public sealed class KubeConnectionException : Exception
{
    public KubeConnectionException()
    {
    }

    public KubeConnectionException(string message)
        : base(message)
    {
    }

    public KubeConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
