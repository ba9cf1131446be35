using System.Text;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>Builds client options from a PediaCluster's credentials (apiserver + base64 CA, token, cert, key).</summary>
internal static class ClusterConnection
{
    public static KubeClientOptions FromSpec(PediaClusterSpec spec)
    {
        if (spec.ApiServer is null)
        {
            throw new InvalidOperationException(spec.Kubeconfig is not null
                ? "spec.kubeconfig is not supported yet: set spec.apiserver with caData/tokenData/certData/keyData"
                : "spec.apiserver is required");
        }

        if (!Uri.TryCreate(spec.ApiServer, UriKind.Absolute, out var server))
        {
            throw new InvalidOperationException($"spec.apiserver \"{spec.ApiServer}\" is not an absolute URL");
        }

        var ca = Decode(spec.CaData, "caData");
        return new KubeClientOptions
        {
            Server = server,
            BearerToken = Decode(spec.TokenData, "tokenData")?.Trim(),
            CertificateAuthorityPem = ca,
            ClientCertificatePem = Decode(spec.CertData, "certData"),
            ClientKeyPem = Decode(spec.KeyData, "keyData"),

            // Clusterpedia's rule: without a CA the member's certificate is not verified.
            InsecureSkipTlsVerify = ca is null,
        };
    }

    private static string? Decode(string? base64, string field)
    {
        if (base64 is null)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"spec.{field} is not valid base64");
        }
    }
}
