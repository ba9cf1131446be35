namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>
/// Tests that set process environment variables the server reads (the in-cluster service variables): they run alone,
/// never beside another test that starts a server.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}
