using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// The serving certificate Kestrel presents: read from <c>--tls-cert-file</c> / <c>--tls-private-key-file</c> and read
/// again when either file changes (checked at most once a second, at a TLS handshake), or a self-signed pair generated
/// into the cert directory when none is given, as kube's generic apiserver does (a CA and a serving certificate for
/// localhost, 127.0.0.1 and ::1, kept and reused across restarts).
/// </summary>
internal sealed partial class ServingCertificate
{
    private static readonly TimeSpan _checkInterval = TimeSpan.FromSeconds(1);

    private readonly string _certFile;
    private readonly string _keyFile;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private X509Certificate2 _current;
    private (DateTime Cert, DateTime Key) _stamp;
    private DateTimeOffset _nextCheck;

    private ServingCertificate(string certFile, string keyFile, TimeProvider time, ILogger logger)
    {
        _certFile = certFile;
        _keyFile = keyFile;
        _time = time;
        _logger = logger;
        _stamp = Stamp();
        _current = Load(certFile, keyFile);
        _nextCheck = time.GetUtcNow() + _checkInterval;
    }

    public string CertFile => _certFile;

    /// <summary>The files to serve from: the given pair, or a generated one in <paramref name="certDir"/>.</summary>
    public static ServingCertificate Create(SecurityOptions options, string certDir, TimeProvider time, ILogger logger)
    {
        if (!string.IsNullOrEmpty(options.TlsCertFile) || !string.IsNullOrEmpty(options.TlsPrivateKeyFile))
        {
            if (string.IsNullOrEmpty(options.TlsCertFile) || string.IsNullOrEmpty(options.TlsPrivateKeyFile))
            {
                throw new InvalidOperationException("Security: --tls-cert-file and --tls-private-key-file go together; give both or neither");
            }

            return new ServingCertificate(options.TlsCertFile, options.TlsPrivateKeyFile, time, logger);
        }

        var cert = Path.Combine(certDir, "apiserver.crt");
        var key = Path.Combine(certDir, "apiserver.key");
        if (!File.Exists(cert) || !File.Exists(key))
        {
            SelfSigned.Write(certDir, cert, key, time.GetUtcNow());
            LogGenerated(logger, cert);
        }

        return new ServingCertificate(cert, key, time, logger);
    }

    /// <summary>The certificate for the next handshake; re-read first when a file changed.</summary>
    public X509Certificate2 Current
    {
        get
        {
            var now = _time.GetUtcNow();
            if (now < _nextCheck)
            {
                return _current;
            }

            lock (_lock)
            {
                if (now < _nextCheck)
                {
                    return _current;
                }

                _nextCheck = now + _checkInterval;
                var stamp = Stamp();
                if (stamp != _stamp)
                {
                    try
                    {
                        _current = Load(_certFile, _keyFile);
                        _stamp = stamp;
                        LogReloaded(_logger, _certFile);
                    }
                    catch (Exception e) when (e is CryptographicException or IOException or ArgumentException)
                    {
                        // A half-written pair (cert updated, key not yet): keep serving the old one and look again.
                        LogReloadFailed(_logger, _certFile, e.Message);
                    }
                }

                return _current;
            }
        }
    }

    private (DateTime, DateTime) Stamp() => (File.GetLastWriteTimeUtc(_certFile), File.GetLastWriteTimeUtc(_keyFile));

    private static X509Certificate2 Load(string certFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        // Re-imported so SslStream on Linux gets a certificate with a usable private key.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Generated a self-signed serving certificate {File} (give --tls-cert-file and --tls-private-key-file to serve your own)")]
    private static partial void LogGenerated(ILogger logger, string file);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Serving certificate {File} changed; serving the new one")]
    private static partial void LogReloaded(ILogger logger, string file);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Serving certificate {File} changed but could not be read ({Problem}); still serving the previous one")]
    private static partial void LogReloadFailed(ILogger logger, string file, string problem);
}
