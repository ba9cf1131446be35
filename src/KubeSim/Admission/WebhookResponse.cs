using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Admission;

/// <summary>A verified AdmissionReview response: allowed or not, the Status of a denial, a JSON patch, warnings.</summary>
internal sealed record WebhookResponse(bool Allowed, JsonObject? Status, JsonArray? Patch, IReadOnlyList<string> Warnings);
