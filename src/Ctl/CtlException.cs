namespace Clusterpedia.Ctl;

/// <summary>An error pediactl reports as kubectl does (<c>error: ...</c> on stderr, exit 1).</summary>
internal sealed class CtlException(string message) : Exception(message);
