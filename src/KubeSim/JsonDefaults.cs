using System.Text.Encodings.Web;
using System.Text.Json;

namespace Clusterpedia.KubeSim;

/// <summary>Writer settings matching Go's encoding/json closely enough: quotes and non-ASCII are not \u-escaped.</summary>
internal static class JsonDefaults
{
    public static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
