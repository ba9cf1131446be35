using System.Text.Json;

namespace Clusterpedia.Kube.Server;

/// <summary>Writes metav1 <c>Status</c> objects, the one error shape kubectl and client libraries understand.</summary>
public static class StatusJson
{
    public static void WriteFailure(Utf8JsonWriter writer, StatusFailure status)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(status);
        WriteHead(writer, "Failure", status.ContinueToken);
        writer.WriteString("message", status.Message);
        writer.WriteString("reason", status.Reason);
        if (status.DetailsName is not null || status.DetailsKind is not null || status.Causes.Count > 0 || status.RetryAfterSeconds is not null)
        {
            writer.WriteStartObject("details");
            WriteOptional(writer, "name", status.DetailsName);
            WriteOptional(writer, "group", status.DetailsGroup);
            WriteOptional(writer, "kind", status.DetailsKind);
            if (status.Causes.Count > 0)
            {
                writer.WriteStartArray("causes");
                foreach (var cause in status.Causes)
                {
                    writer.WriteStartObject();
                    WriteOptional(writer, "reason", cause.Reason);
                    writer.WriteString("message", cause.Message);
                    if (cause.Field is not null)
                    {
                        writer.WriteString("field", cause.Field);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (status.RetryAfterSeconds is int seconds)
            {
                writer.WriteNumber("retryAfterSeconds", seconds);
            }

            writer.WriteEndObject();
        }

        writer.WriteNumber("code", status.Code);
        writer.WriteEndObject();
    }

    /// <summary>The Success Status a DELETE answers with when it does not return the object.</summary>
    public static void WriteSuccess(Utf8JsonWriter writer, string name, string? group, string kind, string uid)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteHead(writer, "Success", continueToken: null);
        writer.WriteStartObject("details");
        writer.WriteString("name", name);
        WriteOptional(writer, "group", group);
        writer.WriteString("kind", kind);
        writer.WriteString("uid", uid);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteHead(Utf8JsonWriter writer, string outcome, string? continueToken)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "Status");
        writer.WriteString("apiVersion", "v1");
        writer.WriteStartObject("metadata");
        if (continueToken is not null)
        {
            writer.WriteString("continue", continueToken);
        }

        writer.WriteEndObject();
        writer.WriteString("status", outcome);
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }
}
