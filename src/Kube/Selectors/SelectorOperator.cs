namespace Clusterpedia.Kube.Selectors;

/// <summary>The operators of Kubernetes label selectors (and of our enhanced field selectors).</summary>
public enum SelectorOperator
{
    /// <summary><c>key=value</c></summary>
    Equals,

    /// <summary><c>key==value</c></summary>
    DoubleEquals,

    /// <summary><c>key!=value</c>; also matches objects lacking the key.</summary>
    NotEquals,

    /// <summary><c>key in (a,b)</c></summary>
    In,

    /// <summary><c>key notin (a,b)</c>; also matches objects lacking the key.</summary>
    NotIn,

    /// <summary><c>key</c></summary>
    Exists,

    /// <summary><c>!key</c></summary>
    DoesNotExist,

    /// <summary><c>key&gt;5</c> (integer comparison, Kubernetes' <c>gt</c>).</summary>
    GreaterThan,

    /// <summary><c>key&lt;5</c> (integer comparison, Kubernetes' <c>lt</c>).</summary>
    LessThan,
}
