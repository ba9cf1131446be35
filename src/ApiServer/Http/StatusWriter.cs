using System.Text.Json;

namespace Clusterpedia.ApiServer.Http;

/// <summary>Writes metav1 <c>Status</c> objects, the one error shape kubectl and client libraries understand.</summary>
public static class StatusWriter
{
    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        var response = context.Response;
        response.StatusCode = error.Code;
        response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("kind", "Status");
            json.WriteString("apiVersion", "v1");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteString("status", "Failure");
            json.WriteString("message", error.Message);
            json.WriteString("reason", error.Reason);
            if (error.DetailsName is not null || error.DetailsKind is not null)
            {
                json.WriteStartObject("details");
                if (error.DetailsName is not null)
                {
                    json.WriteString("name", error.DetailsName);
                }

                if (!string.IsNullOrEmpty(error.DetailsGroup))
                {
                    json.WriteString("group", error.DetailsGroup);
                }

                if (error.DetailsKind is not null)
                {
                    json.WriteString("kind", error.DetailsKind);
                }

                if (error.Causes.Count > 0)
                {
                    json.WriteStartArray("causes");
                    foreach (var (reason, field, message) in error.Causes)
                    {
                        json.WriteStartObject();
                        json.WriteString("reason", reason);
                        json.WriteString("message", message);
                        json.WriteString("field", field);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteNumber("code", error.Code);
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteSuccessAsync(HttpContext context, string group, string kind, string name, string uid)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("kind", "Status");
            json.WriteString("apiVersion", "v1");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteString("status", "Success");
            json.WriteStartObject("details");
            json.WriteString("name", name);
            json.WriteString("group", group);
            json.WriteString("kind", kind);
            json.WriteString("uid", uid);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
