using System.Text.Json;
using Clusterpedia.Kube.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Clusterpedia.ApiServer.Http;

/// <summary>Answers a request with an <see cref="ApiException"/> as a <c>Status</c> (shape: <see cref="StatusJson"/>).</summary>
public static class StatusWriter
{
    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        var response = context.Response;
        response.StatusCode = error.Code;
        response.ContentType = "application/json";
        if (LeavesBodyUndrainable(context, error))
        {
            // Kestrel cannot read past its size limit to reach the next request on this connection, so it closes the
            // connection after the answer. Saying so in the answer keeps a client from reusing the connection and
            // losing its next request to the close (Go's net/http does the same for a large unread body).
            response.Headers.Connection = "close";
        }

        using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            StatusJson.WriteFailure(json, error.ToStatus());
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A refused body, or one declared longer than the connection's limit, that the handler did not read.</summary>
    private static bool LeavesBodyUndrainable(HttpContext context, ApiException error) =>
        error.Code == StatusCodes.Status413PayloadTooLarge
        || context.Request.ContentLength > context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
}
