using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Admission;

/// <summary>
/// Decides whether a webhook is called for a request, as kube-apiserver's ShouldCallHook: the rules (exactly, or under
/// matchPolicy Equivalent through another served version of the resource), then the namespaceSelector (the labels of
/// the object's Namespace; a Namespace object by its own labels; other cluster-scoped objects always match), then the
/// objectSelector (the new or the old object's labels).
/// </summary>
internal sealed class WebhookMatcher(SimulatorStore store)
{
    private static readonly GroupVersionResource _namespaces = new(string.Empty, "v1", "namespaces");

    public WebhookInvocation? Match(AdmissionWebhook webhook, AdmissionAttributes attributes)
    {
        var invocation = MatchRules(webhook, attributes);
        if (invocation is null || !MatchesNamespace(webhook, attributes))
        {
            return null;
        }

        var selector = webhook.ObjectSelector;
        if (!selector.IsEmpty
            && !(attributes.Object is not null && selector.Matches(LabelSelectorJson.Labels(attributes.Object)))
            && !(attributes.OldObject is not null && selector.Matches(LabelSelectorJson.Labels(attributes.OldObject))))
        {
            return null;
        }

        return invocation;
    }

    private WebhookInvocation? MatchRules(AdmissionWebhook webhook, AdmissionAttributes a)
    {
        if (webhook.Rules.Any(r => r.Matches(a.Operation, a.Group, a.Version, a.Resource, a.Subresource, a.Namespace)))
        {
            return new WebhookInvocation(webhook, a.Group, a.Version, a.Resource, a.Kind);
        }

        if (!webhook.EquivalentMatch)
        {
            return null;
        }

        // Equivalent: another version of the same group-resource that a rule names and this server serves.
        foreach (var rule in webhook.Rules)
        {
            foreach (var version in rule.ApiVersions.Where(v => v != "*" && v != a.Version))
            {
                if (!rule.Matches(a.Operation, a.Group, version, a.Resource, a.Subresource, a.Namespace) || Served(a.Group, version, a.Resource) is not { } kind)
                {
                    continue;
                }

                // A subresource keeps the kind it has (Scale); the resource's own kind follows the version.
                var sentKind = a.Subresource.Length == 0 ? kind : a.Kind;
                return new WebhookInvocation(webhook, a.Group, version, a.Resource, sentKind);
            }
        }

        return null;
    }

    private string? Served(string group, string version, string resource)
    {
        try
        {
            return store.Resolve(new GroupVersionResource(group, version, resource)).Kind;
        }
        catch (SimulatorApiException e) when (e.Code == 404)
        {
            return null;
        }
    }

    private bool MatchesNamespace(AdmissionWebhook webhook, AdmissionAttributes a)
    {
        if (webhook.NamespaceSelector.IsEmpty || (a.Namespace.Length == 0 && !a.IsNamespace))
        {
            return true;
        }

        if (a.IsNamespace)
        {
            return webhook.NamespaceSelector.Matches(LabelSelectorJson.Labels(a.Object ?? a.OldObject));
        }

        var ns = store.Get(_namespaces, null, a.Namespace) ?? throw SimulatorApiException.NotFound(string.Empty, "namespaces", a.Namespace);
        return webhook.NamespaceSelector.Matches(LabelSelectorJson.Labels(ns));
    }
}
