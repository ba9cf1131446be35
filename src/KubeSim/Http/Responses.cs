using System.Text.Json;
using Clusterpedia.Kube.Server;
using Microsoft.AspNetCore.WebUtilities;

namespace Clusterpedia.KubeSim.Http;

/// <summary>Writes JSON answers, and the one place where failures become Kubernetes <c>Status</c> objects.</summary>
internal static class Responses
{
    public const string JsonContentType = "application/json";

    public static async Task WriteJsonAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write, string contentType = JsonContentType)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = contentType;
        var body = context.Response.BodyWriter;
        await using (var writer = new Utf8JsonWriter(body, JsonDefaults.Writer))
        {
            write(writer);
        }

        await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteBytesAsync(HttpContext context, int statusCode, ReadOnlyMemory<byte> json)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = json.Length;
        await context.Response.BodyWriter.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>An error page as a proxy in front of an apiserver sends it (nginx's wording), not a Status.</summary>
    public static Task WriteHtmlErrorAsync(HttpContext context, int statusCode)
    {
        var phrase = ReasonPhrases.GetReasonPhrase(statusCode);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/html";
        return context.Response.WriteAsync(
            $"<html>\r\n<head><title>{statusCode} {phrase}</title></head>\r\n<body>\r\n<center><h1>{statusCode} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
            context.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext context, SimulatorApiException error)
    {
        if (error.RetryAfterSeconds is int retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return WriteJsonAsync(context, error.Code, writer => WriteStatus(writer, error));
    }

    /// <summary>A Success Status as DELETE answers, e.g. <c>{"status":"Success","details":{"name":..,"kind":"pods","uid":..}}</c>.</summary>
    public static Task WriteSuccessStatusAsync(HttpContext context, string name, string? group, string resource, string uid) =>
        WriteJsonAsync(context, 200, writer => StatusJson.WriteSuccess(writer, name, group, resource, uid));

    public static void WriteStatus(Utf8JsonWriter writer, SimulatorApiException error) => StatusJson.WriteFailure(writer, error.ToStatus());
}
