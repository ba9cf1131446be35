namespace Clusterpedia.Kube.Rbac;

/// <summary>The rules one binding grants to one of its subjects (the first subject that applies to the user).</summary>
public sealed record RbacGrant(RbacBinding Binding, RbacSubject Subject, IReadOnlyList<PolicyRule> Rules);
