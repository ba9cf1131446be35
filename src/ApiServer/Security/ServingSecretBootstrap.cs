using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.Kube.Client;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// Installed into a host cluster without a given serving certificate (<see cref="InstallOptions.CertSecret"/>): before
/// the server listens, reads the Secret holding tls.crt, tls.key and ca.crt, or creates it with a generated pair when
/// it is absent; a replica that loses the race to create it (409 AlreadyExists) reads the winner's, so all replicas
/// serve one certificate. The pair is written to the files Kestrel serves from, and the CA handed to
/// <see cref="CaBundlePublisher"/>. A host that cannot be reached is retried with bounded backoff; a Secret without
/// the three keys stops the start with a message naming the key.
/// </summary>
internal sealed partial class ServingSecretBootstrap(
    HostApi host, IOptions<InstallOptions> install, InstallPaths paths, ServingCa ca, TimeProvider time, ILogger<ServingSecretBootstrap> logger) : IHostedService
{
    private static readonly TimeSpan _maxBackoff = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var name = install.Value.CertSecret;
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                var pair = await GetOrCreateAsync(name, cancellationToken).ConfigureAwait(false);
                Write(pair);
                ca.Set(pair.CaPem);
                return;
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                LogRetrying(logger, paths.Namespace, name, e.Message, delay);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _maxBackoff.Ticks));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<ServingPair> GetOrCreateAsync(string name, CancellationToken ct)
    {
        var collection = $"/api/v1/namespaces/{Uri.EscapeDataString(paths.Namespace)}/secrets";
        var path = $"{collection}/{Uri.EscapeDataString(name)}";
        try
        {
            var existing = await host.GetAsync(path, ct).ConfigureAwait(false);
            LogRead(logger, paths.Namespace, name);
            return Read(existing, name);
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            // Absent: this replica generates the pair.
        }

        var pair = ServingPair.Generate(install.Value.ServiceName, paths.Namespace, time.GetUtcNow());
        var secret = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = paths.Namespace,
                ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "clusterpedia" },
            },
            ["type"] = "kubernetes.io/tls",
            ["data"] = new JsonObject
            {
                ["tls.crt"] = Base64(pair.CertificatePem),
                ["tls.key"] = Base64(pair.KeyPem),
                ["ca.crt"] = Base64(pair.CaPem),
            },
        };
        try
        {
            await host.PostAsync(collection, secret, ct).ConfigureAwait(false);
            LogCreated(logger, paths.Namespace, name);
            return pair;
        }
        catch (KubeApiException e) when (e.StatusCode == 409)
        {
            // Another replica created it first: serve its pair, so every replica presents the same CA.
            LogLostRace(logger, paths.Namespace, name);
            return Read(await host.GetAsync(path, ct).ConfigureAwait(false), name);
        }
    }

    private ServingPair Read(JsonNode? secret, string name)
    {
        string Key(string key)
        {
            var problem = $"{InstallOptions.Section}:{nameof(InstallOptions.CertSecret)}: Secret {paths.Namespace}/{name} has no usable data[\"{key}\"]; it must hold tls.crt, tls.key and ca.crt, base64-encoded PEM (delete it to have one generated)";
            if (secret?["data"]?[key] is not JsonValue v || !v.TryGetValue<string>(out var text) || text.Length == 0)
            {
                throw new InvalidOperationException(problem);
            }

            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(text));
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException(problem, e);
            }
        }

        return new ServingPair(Key("ca.crt"), Key("tls.crt"), Key("tls.key"));
    }

    private void Write(ServingPair pair)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(paths.CertFile)!);
        File.WriteAllText(paths.KeyFile, pair.KeyPem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(paths.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(paths.CertFile, pair.CertificatePem);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [LoggerMessage(EventId = 28, Level = LogLevel.Information, Message = "Serving certificate read from Secret {Namespace}/{Name}")]
    private static partial void LogRead(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 29, Level = LogLevel.Information, Message = "Serving certificate generated and stored in Secret {Namespace}/{Name}")]
    private static partial void LogCreated(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Secret {Namespace}/{Name} was created by another replica first; serving its certificate")]
    private static partial void LogLostRace(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Serving certificate Secret {Namespace}/{Name} could not be read or created ({Problem}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string @namespace, string name, string problem, TimeSpan delay);
}
