namespace Clusterpedia.Ctl;

/// <summary>One owner kind that is not synced, and how many pods it owns.</summary>
internal sealed record MissingOwner(string ApiVersion, string Group, string Kind, int Pods, string Platform);
