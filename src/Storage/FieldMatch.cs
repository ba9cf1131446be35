namespace Clusterpedia.Storage;

/// <summary>
/// A requirement on the value at a JSON path of the object (<c>["status","phase"]</c>). Scalars compare as their text
/// (<c>true</c>, <c>3</c>); a missing or null field satisfies only NotEquals, NotIn and DoesNotExist.
/// </summary>
public sealed record FieldMatch(IReadOnlyList<string> Path, MatchOperator Operator, IReadOnlyList<string> Values);
