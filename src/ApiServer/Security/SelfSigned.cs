using System.Net;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// The self-signed serving pair written into the cert directory when no certificate is given, as kube's generic
/// apiserver does: a <see cref="ServingPair"/> for localhost, 127.0.0.1 and ::1, valid a year; the certificate file
/// holds the serving certificate then the CA.
/// </summary>
internal static class SelfSigned
{
    public static void Write(string directory, string certFile, string keyFile, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        var pair = ServingPair.Generate($"CN=clusterpedia@{now.ToUnixTimeSeconds()}", ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], now, TimeSpan.FromDays(365));

        File.WriteAllText(certFile, pair.CertificatePem + pair.CaPem);
        File.WriteAllText(keyFile, pair.KeyPem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
