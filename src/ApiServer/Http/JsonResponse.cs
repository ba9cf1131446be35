using System.Text.Json;

namespace Clusterpedia.ApiServer.Http;

/// <summary>Writes a JSON body straight into the response pipe with a Utf8JsonWriter (no intermediate strings).</summary>
public static class JsonResponse
{
    public static async Task WriteAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write, string contentType = "application/json")
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            write(json);
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static Task WriteRawAsync(HttpContext context, int statusCode, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
