namespace Clusterpedia.Kube.Selectors;

/// <summary>A label or field selector that does not parse; the message reads like kube-apiserver's.</summary>
public sealed class SelectorParseException : FormatException
{
    public SelectorParseException()
    {
    }

    public SelectorParseException(string message)
        : base(message)
    {
    }

    public SelectorParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
