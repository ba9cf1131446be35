using System.Text.Json.Nodes;
using Clusterpedia.Kube;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Services;

namespace Clusterpedia.KubeSim.Admission;

/// <summary>
/// Dynamic admission as kube-apiserver runs it on a write: the mutating webhooks one after another in configuration
/// order (configurations by name), each JSON patch applied to the object, and those with reinvocationPolicy IfNeeded
/// called once more when a later webhook changed the object; then the validating webhooks, in parallel, on the final
/// object. A denial is the webhook's Status in kube-apiserver's words; a failed call fails the request (500, as
/// kube-apiserver) unless the failurePolicy is Ignore; a dry run meets webhooks with side effects with 400.
/// </summary>
internal sealed class WebhookAdmission
{
    private static readonly GroupVersionResource _mutating = new(WebhookConfigurationValidation.Group, "v1", "mutatingwebhookconfigurations");
    private static readonly GroupVersionResource _validating = new(WebhookConfigurationValidation.Group, "v1", "validatingwebhookconfigurations");

    private readonly SimulatorStore _store;
    private readonly WebhookMatcher _matcher;
    private readonly WebhookCaller _caller;
    private readonly ILogger _logger;

    public WebhookAdmission(SimulatorStore store, TimeProvider time, ILogger logger)
    {
        _store = store;
        _matcher = new WebhookMatcher(store);
        _caller = new WebhookCaller(new ServiceEndpoints(store), time);
        _logger = logger;
    }

    /// <summary>
    /// True when some configured webhook may select this kind of request (its operation, group and resource), so writes
    /// nobody watches keep their single atomic path.
    /// </summary>
    public bool MayApply(string operation, string group, string resource, string subresource)
    {
        if (WebhookConfigurationValidation.IsWebhookConfiguration(group, resource))
        {
            // Webhook configurations are never sent to webhooks: a broken webhook could otherwise not be removed.
            return false;
        }

        return Webhooks(_mutating, mutating: true).Concat(Webhooks(_validating, mutating: false))
            .Any(w => w.Rules.Any(r => r.MayMatch(operation, group, resource, subresource)));
    }

    /// <summary>Runs mutating then validating webhooks; returns the object as mutated (null for DELETE).</summary>
    /// <exception cref="SimulatorApiException">A webhook denied the request or could not be called under failurePolicy Fail.</exception>
    public async Task<JsonObject?> AdmitAsync(AdmissionAttributes attributes, Action<string> warn, CancellationToken cancellationToken)
    {
        attributes = await MutateAsync(attributes, warn, cancellationToken).ConfigureAwait(false);
        await ValidateAsync(attributes, warn, cancellationToken).ConfigureAwait(false);
        return attributes.Object;
    }

    private async Task<AdmissionAttributes> MutateAsync(AdmissionAttributes attributes, Action<string> warn, CancellationToken cancellationToken)
    {
        var hooks = Webhooks(_mutating, mutating: true).ToList();
        var reinvocable = new List<int>();
        var reinvoke = new SortedSet<int>();
        for (var i = 0; i < hooks.Count; i++)
        {
            if (_matcher.Match(hooks[i], attributes) is not { } invocation)
            {
                continue;
            }

            var (next, changed) = await CallMutatingAsync(invocation, attributes, warn, cancellationToken).ConfigureAwait(false);
            attributes = next;
            if (changed)
            {
                // Everything called before that asked to see later changes is called again.
                reinvoke.UnionWith(reinvocable);
            }

            if (hooks[i].ReinvokeIfNeeded)
            {
                reinvocable.Add(i);
            }
        }

        foreach (var i in reinvoke)
        {
            if (_matcher.Match(hooks[i], attributes) is { } invocation)
            {
                (attributes, _) = await CallMutatingAsync(invocation, attributes, warn, cancellationToken).ConfigureAwait(false);
            }
        }

        return attributes;
    }

    private async Task<(AdmissionAttributes Attributes, bool Changed)> CallMutatingAsync(
        WebhookInvocation invocation, AdmissionAttributes attributes, Action<string> warn, CancellationToken cancellationToken)
    {
        var response = await CallAsync(invocation, attributes, warn, cancellationToken).ConfigureAwait(false);
        if (response?.Patch is not { Count: > 0 } patch)
        {
            return (attributes, false);
        }

        var name = invocation.Webhook.Name;
        if (attributes.Object is null)
        {
            throw InternalError($"admission webhook \"{name}\" attempted to modify the object, which is not supported for this operation");
        }

        JsonObject patched;
        try
        {
            patched = Kube.Patching.JsonPatch.Apply(attributes.Object.DeepClone(), patch) as JsonObject
                ?? throw InternalError($"admission webhook \"{name}\" patched the object into something that is not an object");
        }
        catch (Kube.Patching.PatchException e)
        {
            throw InternalError(e.Message);
        }

        var changed = !JsonNode.DeepEquals(patched, attributes.Object);
        return (attributes with { Object = patched }, changed);
    }

    private async Task ValidateAsync(AdmissionAttributes attributes, Action<string> warn, CancellationToken cancellationToken)
    {
        var invocations = Webhooks(_validating, mutating: false).Select(w => _matcher.Match(w, attributes)).OfType<WebhookInvocation>().ToList();
        // The calls run in parallel and response headers are not thread-safe.
        var gate = new Lock();
        void WarnOnce(string warning)
        {
            lock (gate)
            {
                warn(warning);
            }
        }

        var calls = invocations.Select(async invocation =>
        {
            try
            {
                await CallAsync(invocation, attributes, WarnOnce, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (SimulatorApiException e)
            {
                return e;
            }
        }).ToList();
        var errors = await Task.WhenAll(calls).ConfigureAwait(false);
        // The first failing webhook in configuration order, so the answer does not depend on which one is faster.
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            throw error;
        }
    }

    /// <summary>Calls one webhook; null when the call failed and the failurePolicy is Ignore.</summary>
    private async Task<WebhookResponse?> CallAsync(WebhookInvocation invocation, AdmissionAttributes attributes, Action<string> warn, CancellationToken cancellationToken)
    {
        var webhook = invocation.Webhook;
        if (attributes.DryRun && webhook.SideEffects is not ("None" or "NoneOnDryRun"))
        {
            throw SimulatorApiException.BadRequest($"admission webhook \"{webhook.Name}\" does not support dry run");
        }

        WebhookResponse response;
        try
        {
            response = await _caller.CallAsync(invocation, attributes, cancellationToken).ConfigureAwait(false);
        }
        catch (WebhookCallException e)
        {
            var reason = $"failed calling webhook \"{webhook.Name}\": {e.Message}";
            if (webhook.FailOpen)
            {
                AdmissionLog.FailingOpen(_logger, webhook.Name, reason);
                return null;
            }

            AdmissionLog.FailingClosed(_logger, webhook.Name, reason);
            throw InternalError(reason);
        }

        foreach (var warning in response.Warnings)
        {
            warn(warning);
        }

        if (!response.Allowed)
        {
            var denial = Denial(webhook.Name, response.Status);
            AdmissionLog.Rejected(_logger, webhook.Name, denial.Message);
            throw denial;
        }

        return response;
    }

    /// <summary>
    /// A denial as kube-apiserver 1.33 words it (webhook errors.ToStatusErr): never below 400, the message prefixed
    /// with the webhook's name, and the rest of the webhook's Status (reason, details with their causes) relayed as
    /// sent, so kubectl prints a 422 Invalid's field causes as for a built-in validation.
    /// </summary>
    private static SimulatorApiException Denial(string webhook, JsonObject? status)
    {
        var code = status?["code"] is JsonValue value && value.TryGetValue<int>(out var given) ? given : 0;
        var message = Str(status, "message");
        var reason = Str(status, "reason");
        var deniedBy = $"admission webhook \"{webhook}\" denied the request";
        var text = !string.IsNullOrEmpty(message) ? $"{deniedBy}: {message}"
            : !string.IsNullOrEmpty(reason) ? $"{deniedBy}: {reason}"
            : deniedBy + " without explanation";
        var details = status?["details"] as JsonObject;
        var causes = (details?["causes"] as JsonArray)?.OfType<JsonObject>()
            .Select(c => new StatusCause(Str(c, "reason"), Str(c, "field"), Str(c, "message") ?? string.Empty))
            .ToList();
        return new SimulatorApiException(code < 400 ? 400 : code, reason ?? string.Empty, text, Str(details, "name"), Str(details, "group"), Str(details, "kind"))
        {
            RelayedCauses = causes,
        };
    }

    private static SimulatorApiException InternalError(string reason) =>
        new(500, "InternalError", "Internal error occurred: " + reason) { Causes = [(string.Empty, reason)] };

    private IEnumerable<AdmissionWebhook> Webhooks(GroupVersionResource configurations, bool mutating) =>
        _store.List(configurations)
            .OrderBy(c => c["metadata"]?["name"]?.GetValue<string>(), StringComparer.Ordinal)
            .SelectMany(c => AdmissionWebhook.FromConfiguration(c, mutating));

    private static string? Str(JsonObject? obj, string property) =>
        obj?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
