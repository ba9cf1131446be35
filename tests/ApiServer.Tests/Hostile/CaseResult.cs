namespace Clusterpedia.ApiServer.Tests.Hostile;

/// <summary>What one corpus case got back: the status (0 when no response came), how long it took, and what is wrong.</summary>
public sealed record CaseResult(HostileCase Case, int Status, TimeSpan Elapsed, string? Problem, bool ConnectionFailed = false);
