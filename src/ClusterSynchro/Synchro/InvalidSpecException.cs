namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>A PediaCluster spec that cannot be acted on; the message names the field and the problem.</summary>
public sealed class InvalidSpecException : Exception
{
    public InvalidSpecException()
    {
    }

    public InvalidSpecException(string message)
        : base(message)
    {
    }

    public InvalidSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
