using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Clusterpedia.Kube.Client;

/// <summary>
/// TLS setup of one cluster: server verification against the configured CA bundle (or the system store, or none in
/// insecure mode) and the client certificate, with the last verification failure kept for a readable error.
/// </summary>
internal sealed class KubeTls
{
    private readonly X509Certificate2Collection? _trustedCas;
    private readonly bool _insecure;
    private readonly string? _serverName;
    private volatile string? _lastFailure;

    public KubeTls(KubeClientOptions options)
    {
        _insecure = options.InsecureSkipTlsVerify;
        _serverName = string.IsNullOrEmpty(options.TlsServerName) ? null : options.TlsServerName;
        if (!string.IsNullOrWhiteSpace(options.CertificateAuthorityPem))
        {
            _trustedCas = [];
            _trustedCas.ImportFromPem(options.CertificateAuthorityPem);
            if (_trustedCas.Count == 0)
            {
                throw new ArgumentException("the certificate authority data holds no PEM certificate", nameof(options));
            }
        }

        if (!string.IsNullOrWhiteSpace(options.ClientCertificatePem))
        {
            if (string.IsNullOrWhiteSpace(options.ClientKeyPem))
            {
                throw new ArgumentException("a client certificate needs its private key", nameof(options));
            }

            ClientCertificate = LoadClientCertificate(options.ClientCertificatePem, options.ClientKeyPem);
        }
    }

    public X509Certificate2? ClientCertificate { get; }

    /// <summary>Why the last server certificate was rejected, for the error message.</summary>
    public string? LastFailure => _lastFailure;

    /// <remarks>No TargetHost: the handler sets it per connection from the Host header (see KubeClient for tls-server-name).</remarks>
    public SslClientAuthenticationOptions CreateSslOptions()
    {
        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = Validate,
        };

        if (ClientCertificate is not null)
        {
            ssl.ClientCertificates = [ClientCertificate];
        }

        return ssl;
    }

    /// <summary>Loads a PEM certificate and key (RSA or EC; PKCS#1, PKCS#8 or SEC1) into a certificate SslStream can use.</summary>
    internal static X509Certificate2 LoadClientCertificate(string certificatePem, string keyPem)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);

        // On Linux an ephemeral PEM key cannot always be used by SslStream: a PKCS#12 round trip gives it a real handle.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_insecure)
        {
            return true;
        }

        // With tls-server-name the name is checked here, whatever host the platform compared against.
        if (_serverName is not null && certificate is X509Certificate2 named)
        {
            if (!named.MatchesHostname(_serverName))
            {
                _lastFailure = $"the server certificate is not valid for tls-server-name \"{_serverName}\"";
                return false;
            }

            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        }

        if (_trustedCas is null)
        {
            if (errors != SslPolicyErrors.None)
            {
                _lastFailure = $"server certificate not trusted by the system store ({errors})";
                return false;
            }

            return true;
        }

        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            _lastFailure = "the server presented no certificate";
            return false;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            _lastFailure = "the server certificate is not valid for the requested host name (set tls-server-name if it uses another name)";
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedCas);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (custom.Build(leaf))
        {
            return true;
        }

        var statuses = string.Join(", ", custom.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        _lastFailure = $"certificate signed by unknown authority: the configured CA does not verify the server certificate ({statuses})";
        return false;
    }
}
