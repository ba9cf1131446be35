namespace Clusterpedia.KubeSim.Admission;

/// <summary>Where a webhook is called: a URL, or a Service (namespace, name, path, port), and the caBundle (PEM).</summary>
internal sealed record WebhookClientConfig(Uri? Url, string? ServiceNamespace, string? ServiceName, string? ServicePath, int ServicePort, string? CaBundlePem);
