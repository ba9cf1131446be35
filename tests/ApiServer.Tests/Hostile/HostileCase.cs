namespace Clusterpedia.ApiServer.Tests.Hostile;

/// <summary>
/// One malformed request of the corpus. <see cref="Raw"/> is sent byte for byte on a socket (for what HttpClient
/// refuses to express); otherwise method, path, headers and body go through HttpClient.
/// </summary>
/// <param name="Cause">The family the case belongs to, for grouping failures (e.g. "query:limit", "body:deep-yaml").</param>
/// <param name="Input">A short human description of the input, printed with a failure.</param>
/// <param name="Method">The HTTP method, sent verbatim.</param>
/// <param name="PathAndQuery">Relative to the server root; percent-encoded as it goes on the wire.</param>
/// <param name="Headers">Extra request headers, added without validation.</param>
/// <param name="ContentType">The Content-Type of <paramref name="Body"/>; null sends none.</param>
/// <param name="Body">The request body; null sends none.</param>
/// <param name="Raw">The whole request as bytes on a socket, instead of the fields above.</param>
/// <param name="Streams">A watch that may legitimately stream: a 2xx body is read for a second, then dropped.</param>
/// <param name="ProtocolLevel">
/// Broken HTTP framing (request line, header block) that Kestrel rejects before any application code runs, with an
/// empty body, as Go's net/http does for kube-apiserver: a bodiless 4xx is accepted for these, nothing else.
/// </param>
/// <param name="HangsUp">
/// The raw client half-closes after sending (a truncated body then EOF): the server may answer or just close.
/// </param>
/// <param name="ExpectClientError">The input must be refused (4xx), e.g. a body over any sane size limit.</param>
/// <param name="Serial">May take the server down on today's main: runs alone, after the parallel phase.</param>
public sealed record HostileCase(
    string Cause,
    string Input,
    string Method,
    string PathAndQuery,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? ContentType,
    byte[]? Body,
    byte[]? Raw = null,
    bool Streams = false,
    bool ProtocolLevel = false,
    bool HangsUp = false,
    bool ExpectClientError = false,
    bool Serial = false)
{
    public override string ToString()
    {
        var path = PathAndQuery.Length > 160 ? PathAndQuery[..160] + $"…({PathAndQuery.Length} chars)" : PathAndQuery;
        return $"{Method} {path} [{Cause}: {Input}]";
    }
}
