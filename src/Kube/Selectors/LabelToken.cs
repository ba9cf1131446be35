namespace Clusterpedia.Kube.Selectors;

/// <summary>Tokens of the Kubernetes label selector lexer.</summary>
internal enum LabelToken
{
    Error,
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}
