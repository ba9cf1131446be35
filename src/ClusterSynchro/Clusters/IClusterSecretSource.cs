namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// Reads the Secrets that <c>spec.authenticationFrom</c> names. In hosted mode they are read from the credential
/// namespace of the host cluster; standalone mode has none, and such a PediaCluster is not Validated.
/// </summary>
public interface IClusterSecretSource
{
    /// <summary>The namespace holding the Secrets, as named in messages.</summary>
    string Namespace { get; }

    /// <summary>
    /// The <c>data</c> of a Secret, values base64 as the API returns them; null when the Secret does not exist.
    /// Other failures throw (a <see cref="Kube.Client.KubeApiException"/> for an answer of the host).
    /// </summary>
    Task<IReadOnlyDictionary<string, string>?> GetSecretDataAsync(string name, CancellationToken cancellationToken);
}
