namespace Clusterpedia.Storage;

/// <summary>Operators of label and field requirements (Kubernetes selector semantics).</summary>
public enum MatchOperator
{
    /// <summary><c>=</c> and <c>==</c>.</summary>
    Equals,

    /// <summary><c>!=</c>: also true when the label or field is missing.</summary>
    NotEquals,
    In,

    /// <summary>Also true when the label or field is missing.</summary>
    NotIn,
    Exists,
    DoesNotExist,

    /// <summary>Integer comparison; false when the value is missing or not an integer.</summary>
    GreaterThan,
    LessThan,
}
