using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Client;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Makes the host trust the serving certificate the bootstrap settled on: sets spec.caBundle of the APIService
/// <see cref="InstallOptions.ApiService"/> and clientConfig.caBundle of every webhook in the Validating- and
/// MutatingWebhookConfiguration named <see cref="InstallOptions.WebhookConfiguration"/>. Registrations applied after
/// the server started are waited for: each is retried with bounded backoff until it exists and carries the CA.
/// </summary>
internal sealed partial class CaBundlePublisher(HostApi host, IOptions<InstallOptions> install, ServingCa ca, TimeProvider time, ILogger<CaBundlePublisher> logger)
    : BackgroundService
{
    private static readonly TimeSpan _maxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var bundle = Convert.ToBase64String(Encoding.UTF8.GetBytes(await ca.PemAsync(stoppingToken).ConfigureAwait(false)));
        var pending = Targets().ToList();
        var delay = TimeSpan.FromMilliseconds(200);
        while (pending.Count > 0)
        {
            foreach (var target in pending.ToList())
            {
                try
                {
                    if (await PublishAsync(target, bundle, stoppingToken).ConfigureAwait(false))
                    {
                        LogPublished(logger, target.Path);
                    }

                    pending.Remove(target);
                }
                catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException && !stoppingToken.IsCancellationRequested)
                {
                    LogRetrying(logger, target.Path, e.Message, delay);
                }
            }

            if (pending.Count > 0)
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _maxBackoff.Ticks));
            }
        }
    }

    private IEnumerable<(string Path, Func<JsonObject, string, bool> Apply)> Targets()
    {
        var options = install.Value;
        if (options.ApiService.Length > 0)
        {
            yield return ($"/apis/apiregistration.k8s.io/v1/apiservices/{Uri.EscapeDataString(options.ApiService)}", SetApiServiceBundle);
        }

        if (options.WebhookConfiguration.Length > 0)
        {
            var name = Uri.EscapeDataString(options.WebhookConfiguration);
            yield return ($"/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/{name}", SetWebhookBundles);
            yield return ($"/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{name}", SetWebhookBundles);
        }
    }

    /// <summary>Reads the object, sets the bundle and writes it back when it changed (a 409 is retried by the caller); true when written.</summary>
    private async Task<bool> PublishAsync((string Path, Func<JsonObject, string, bool> Apply) target, string bundle, CancellationToken ct)
    {
        var obj = await host.GetAsync(target.Path, ct).ConfigureAwait(false) as JsonObject
            ?? throw new IOException($"{target.Path} did not answer with an object");
        if (!target.Apply(obj, bundle))
        {
            return false;
        }

        await host.PutAsync(target.Path, obj, ct).ConfigureAwait(false);
        return true;
    }

    private static bool SetApiServiceBundle(JsonObject apiService, string bundle)
    {
        var spec = apiService["spec"] as JsonObject ?? [];
        apiService["spec"] = spec;
        var changed = SetBundle(spec, bundle);
        if (spec["insecureSkipTLSVerify"] is JsonValue skip && skip.TryGetValue<bool>(out var on) && on)
        {
            // kube-apiserver refuses an APIService with both; the CA is what makes skipping unnecessary.
            spec["insecureSkipTLSVerify"] = false;
            changed = true;
        }

        return changed;
    }

    private static bool SetWebhookBundles(JsonObject configuration, string bundle)
    {
        var changed = false;
        foreach (var webhook in (configuration["webhooks"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var client = webhook["clientConfig"] as JsonObject ?? [];
            webhook["clientConfig"] = client;
            changed |= SetBundle(client, bundle);
        }

        return changed;
    }

    private static bool SetBundle(JsonObject holder, string bundle)
    {
        if (holder["caBundle"] is JsonValue v && v.TryGetValue<string>(out var current) && current == bundle)
        {
            return false;
        }

        holder["caBundle"] = bundle;
        return true;
    }

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Serving CA published as caBundle of {Path}")]
    private static partial void LogPublished(ILogger logger, string path);

    [LoggerMessage(EventId = 33, Level = LogLevel.Information, Message = "Could not publish the serving CA to {Path} yet ({Problem}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string path, string problem, TimeSpan delay);
}
