using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.Kube.Tests.Config;

/// <summary>
/// A small OpenID Connect issuer on a real HTTPS loopback port: a discovery document and a token endpoint that
/// accepts one client and one refresh-token (rotating it), answering with the id-token the test chose.
/// </summary>
public sealed class OidcIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private string _refreshToken;

    private OidcIssuer(WebApplication app, string caPem, string refreshToken)
    {
        _app = app;
        CaPem = caPem;
        _refreshToken = refreshToken;
    }

    public Uri Url { get; private set; } = null!;

    public string CaPem { get; }

    public required string ClientId { get; init; }

    public required string ClientSecret { get; init; }

    /// <summary>What a refresh answers as id_token.</summary>
    public required string IssuedIdToken { get; init; }

    public int Refreshes { get; private set; }

    public int Requests { get; private set; }

    public static async Task<OidcIssuer> StartAsync(string clientId, string clientSecret, string refreshToken, string issuedIdToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=oidc-issuer", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var issuer = new OidcIssuer(app, created.ExportCertificatePem(), refreshToken) { ClientId = clientId, ClientSecret = clientSecret, IssuedIdToken = issuedIdToken };
        app.MapGet("/.well-known/openid-configuration", () =>
        {
            issuer.Requests++;
            return Results.Json(new Dictionary<string, string> { ["issuer"] = issuer.Url.ToString(), ["token_endpoint"] = issuer.Url + "token" });
        });
        app.MapPost("/token", (Delegate)issuer.TokenAsync);
        await app.StartAsync();
        issuer.Url = new Uri(app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return issuer;
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        Requests++;
        var form = await context.Request.ReadFormAsync();
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
        if (context.Request.Headers.Authorization.ToString() != "Basic " + basic)
        {
            return Results.Json(new Dictionary<string, string> { ["error"] = "invalid_client" }, statusCode: 401);
        }

        if (form["grant_type"] != "refresh_token" || form["refresh_token"] != _refreshToken)
        {
            return Results.Json(new Dictionary<string, string> { ["error"] = "invalid_grant" }, statusCode: 400);
        }

        Refreshes++;
        _refreshToken = $"rotated-refresh-{Refreshes}";
        return Results.Json(new Dictionary<string, string> { ["id_token"] = IssuedIdToken, ["refresh_token"] = _refreshToken, ["token_type"] = "Bearer" });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
