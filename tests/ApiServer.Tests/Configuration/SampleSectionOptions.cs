namespace Clusterpedia.ApiServer.Tests.Configuration;

/// <summary>An options section the server does not have, bound by a test as a new feature would bind its own.</summary>
public sealed class SampleSectionOptions
{
    public string ServiceName { get; set; } = "clusterpedia-apiserver";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
}
