using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Clusterpedia.ApiServer.Http;

/// <summary>
/// Reads a request body within <see cref="RequestLimits"/> and parses it as JSON or YAML. Every way a body can be
/// too big, too deep, not UTF-8 or malformed ends here as a 4xx <see cref="ApiException"/>; what it returns is a
/// tree that later code can read without surprises (valid strings, no repeated keys, bounded depth).
/// </summary>
public static class RequestBody
{
    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The body's media type, lower case and without parameters (<c>application/json; charset=utf-8</c> is
    /// <c>application/json</c>); <paramref name="fallback"/> when the request names none.
    /// </summary>
    public static string MediaType(HttpContext context, string fallback) =>
        (context.Request.ContentType ?? fallback).Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>The whole body, refused with 413 past <see cref="RequestLimits.MaxRequestBodyBytes"/>.</summary>
    public static async Task<byte[]> ReadAsync(HttpContext context, RequestLimits limits)
    {
        var max = limits.MaxRequestBodyBytes;
        if (context.Request.ContentLength is { } declared && declared > max)
        {
            throw TooLarge(max);
        }

        var body = context.Request.Body;
        using var buffer = new MemoryStream(context.Request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    throw TooLarge(max);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e)
        {
            throw FromBadRequest(e, max);
        }
        catch (IOException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Kestrel reports some framing errors (a chunk size that overflows) as a plain IOException.
            throw new ApiException(400, "BadRequest", $"the request body could not be read: {e.Message}");
        }

        return buffer.ToArray();
    }

    /// <summary>The Status for a body Kestrel refused while reading it (too large, malformed chunking, ...).</summary>
    public static ApiException FromBadRequest(BadHttpRequestException e, long maxBodyBytes) =>
        e.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? TooLarge(maxBodyBytes)
            : new ApiException(e.StatusCode is >= 400 and < 500 ? e.StatusCode : 400, "BadRequest", $"the request body could not be read: {e.Message}");

    /// <summary>kube-apiserver's wording, with the option that sets the limit.</summary>
    public static ApiException TooLarge(long max) =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {max} bytes ({RequestLimits.Section}:{nameof(RequestLimits.MaxRequestBodyBytes)})");

    public static async Task<JsonNode?> ReadJsonAsync(HttpContext context, RequestLimits limits) =>
        ParseJson(await ReadAsync(context, limits).ConfigureAwait(false), limits);

    public static async Task<JsonNode?> ReadYamlAsync(HttpContext context, RequestLimits limits) =>
        ParseYaml(await ReadAsync(context, limits).ConfigureAwait(false), limits);

    /// <summary>
    /// One checking pass with <see cref="Utf8JsonReader"/> (depth, UTF-8, escapes that decode to unpaired
    /// surrogates, repeated keys), then the tree. JsonNode decodes strings lazily, so without the pass a bad string
    /// would surface as an exception far from here, long after the request was accepted.
    /// </summary>
    public static JsonNode? ParseJson(ReadOnlySpan<byte> body, RequestLimits limits)
    {
        var maxDepth = limits.MaxBodyDepth;
        if (!Utf8.IsValid(body))
        {
            throw NotUtf8(body);
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        var keys = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (reader.CurrentDepth >= maxDepth)
                        {
                            throw TooDeep(maxDepth);
                        }

                        keys.Push(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        keys.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = ReadString(ref reader);
                        if (!keys.Peek()!.Add(name))
                        {
                            throw ApiException.BadRequest($"the request body is not valid JSON for an object: field \"{name}\" is repeated");
                        }

                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        ReadString(ref reader);
                        break;
                    default:
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }

        return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth + 1 });
    }

    /// <summary>Strict UTF-8 (a lone bad byte is an error, not a silent U+FFFD), then the bounded YAML conversion.</summary>
    public static JsonNode? ParseYaml(ReadOnlySpan<byte> body, RequestLimits limits)
    {
        if (body.StartsWith(Encoding.UTF8.Preamble))
        {
            body = body[Encoding.UTF8.Preamble.Length..];
        }

        if (!Utf8.IsValid(body))
        {
            throw NotUtf8(body);
        }

        return YamlToJson.Parse(_strictUtf8.GetString(body), YamlLimits.From(limits));
    }

    private static string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw ApiException.BadRequest($"the request body is not valid JSON text: the string at byte {reader.TokenStartIndex} escapes an unpaired UTF-16 surrogate");
        }
    }

    private static ApiException TooDeep(int maxDepth) =>
        ApiException.BadRequest($"the request body nests objects and lists deeper than {maxDepth} levels ({RequestLimits.Section}:{nameof(RequestLimits.MaxBodyDepth)})");

    private static ApiException NotUtf8(ReadOnlySpan<byte> body)
    {
        var offset = 0;
        while (offset < body.Length && Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        return ApiException.BadRequest($"the request body is not valid UTF-8 (first invalid byte at offset {offset})");
    }
}
