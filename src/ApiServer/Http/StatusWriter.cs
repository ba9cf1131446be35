using System.Text.Json;
using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Http;

/// <summary>Answers a request with an <see cref="ApiException"/> as a <c>Status</c> (shape: <see cref="StatusJson"/>).</summary>
public static class StatusWriter
{
    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        var response = context.Response;
        response.StatusCode = error.Code;
        response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            StatusJson.WriteFailure(json, error.ToStatus());
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
