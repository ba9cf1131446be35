namespace Clusterpedia.KubeSim.Admission;

/// <summary>
/// A webhook chosen for a request, with the resource and kind it is called with: the request's own, or under
/// matchPolicy Equivalent another version of the same resource that its rules name.
/// </summary>
internal sealed record WebhookInvocation(AdmissionWebhook Webhook, string Group, string Version, string Resource, string Kind);
