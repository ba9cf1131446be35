namespace Clusterpedia.ApiServer.Configuration;

/// <summary>
/// The configuration cannot be used: an unknown key, a value of the wrong type, malformed CLUSTERPEDIA_CONFIG. The
/// message names each key and what is allowed, one problem per line; the process prints it and exits with code 2.
/// </summary>
public sealed class InvalidConfigurationException : InvalidOperationException
{
    public InvalidConfigurationException()
    {
    }

    public InvalidConfigurationException(string message)
        : base(message)
    {
    }

    public InvalidConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
