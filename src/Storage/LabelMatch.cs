namespace Clusterpedia.Storage;

/// <summary>A requirement on one label of <c>metadata.labels</c>.</summary>
public sealed record LabelMatch(string Key, MatchOperator Operator, IReadOnlyList<string> Values);
