using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Fills the credential fields of a spec from the Secrets its <c>spec.authenticationFrom</c> names. Problems the
/// user must fix (no source, missing Secret or key, access refused) become <see cref="PediaClusterSpec.AuthenticationError"/>,
/// so the cluster shows Validated False with a message naming the field; anything else (the host unreachable)
/// throws, and the manager retries on its next reconcile without touching running synchros.
/// </summary>
internal static class AuthenticationFromResolver
{
    public static async Task<PediaClusterSpec> ResolveAsync(PediaClusterSpec spec, IClusterSecretSource? secrets, CancellationToken ct)
    {
        if (spec.AuthenticationFrom is not { } from)
        {
            return spec;
        }

        if (secrets is null)
        {
            return Failed(spec, "spec.authenticationFrom: credentials in Secrets are read only in hosted mode (start the server with --host-kubeconfig); set spec.kubeconfig or spec.tokenData/caData/certData/keyData instead");
        }

        var resolved = spec with { AuthenticationResolved = true, AuthenticationError = null };
        var cache = new Dictionary<string, IReadOnlyDictionary<string, string>?>(StringComparer.Ordinal);
        foreach (var (field, reference) in from.Refs())
        {
            var path = "spec.authenticationFrom." + field;
            if (reference.Name.Length == 0 || reference.Key.Length == 0)
            {
                return Failed(spec, $"{path}: both name and key of the Secret are required");
            }

            if (!cache.TryGetValue(reference.Name, out var data))
            {
                try
                {
                    data = await secrets.GetSecretDataAsync(reference.Name, ct).ConfigureAwait(false);
                }
                catch (KubeApiException e) when (e.StatusCode is 401 or 403)
                {
                    return Failed(spec, $"{path}: reading secret {secrets.Namespace}/{reference.Name} was refused: {e.StatusCode} {e.Reason}: {e.StatusMessage}");
                }

                cache[reference.Name] = data;
            }

            if (data is null)
            {
                return Failed(spec, $"{path}: secret {secrets.Namespace}/{reference.Name} not found");
            }

            if (!data.TryGetValue(reference.Key, out var value))
            {
                return Failed(spec, $"{path}: secret {secrets.Namespace}/{reference.Name} has no key \"{reference.Key}\"");
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                return Failed(spec, $"{path}: key \"{reference.Key}\" of secret {secrets.Namespace}/{reference.Name} is empty");
            }

            // Secret data is base64, the encoding of the inline fields: the value goes in as it is.
            resolved = field switch
            {
                "kubeconfig" => resolved with { Kubeconfig = value },
                "ca" => resolved with { CaData = value },
                "token" => resolved with { TokenData = value },
                "cert" => resolved with { CertData = value },
                _ => resolved with { KeyData = value },
            };
        }

        return resolved;
    }

    private static PediaClusterSpec Failed(PediaClusterSpec spec, string error) =>
        spec with { AuthenticationResolved = true, AuthenticationError = error };
}
