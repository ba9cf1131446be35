using System.Security.Cryptography.X509Certificates;
using Clusterpedia.KubeSim.Security;
using Microsoft.AspNetCore.Http;

namespace Clusterpedia.KubeSim.Tests.Aggregation;

/// <summary>The request-header authenticator against real certificates from two CAs.</summary>
public sealed class RequestHeaderAuthenticatorTests : IDisposable
{
    private readonly CertificateAuthority _frontProxyCa = new("front-proxy", TimeProvider.System);
    private readonly CertificateAuthority _otherCa = new("other", TimeProvider.System);

    public void Dispose()
    {
        _frontProxyCa.Dispose();
        _otherCa.Dispose();
    }

    private RequestHeaderAuthenticator Authenticator(params string[] allowedNames) =>
        new(new RequestHeaderOptions { ClientCaPem = _frontProxyCa.CertificatePem, AllowedNames = allowedNames }, TimeProvider.System);

    private static DefaultHttpContext Request(CertificateAuthority? issuer, string commonName)
    {
        var context = new DefaultHttpContext();
        if (issuer is not null)
        {
            var (certificatePem, keyPem) = issuer.IssueClient(commonName, []);
            context.Connection.ClientCertificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }

        context.Request.Headers["X-Remote-User"] = "alice";
        context.Request.Headers["X-Remote-Group"] = new[] { "devs", "ops, qa" };
        context.Request.Headers["X-Remote-Extra-Acme.com%2Fproject"] = new[] { "a", "b" };
        context.Request.Headers["X-Remote-Extra-Scopes"] = "read";
        return context;
    }

    [Fact]
    public void Authenticate_AllowedFrontProxy_UserGroupsAndExtrasFromHeaders()
    {
        using var authenticator = Authenticator("front-proxy-client");

        var user = authenticator.Authenticate(Request(_frontProxyCa, "front-proxy-client")).ShouldNotBeNull();

        user.Name.ShouldBe("alice");
        user.Groups.ShouldBe(["devs", "ops", "qa", "system:authenticated"]);
        user.Extra.Keys.Order(StringComparer.Ordinal).ShouldBe(["acme.com/project", "scopes"]);
        user.Extra["acme.com/project"].ShouldBe(["a", "b"]);
        user.Extra["scopes"].ShouldBe(["read"]);
    }

    [Theory]
    [InlineData("front-proxy-client", false)]
    [InlineData("someone-else", true)]
    public void Authenticate_OtherCaOrNameNotAllowed_Null(string commonName, bool fromFrontProxyCa)
    {
        using var authenticator = Authenticator("front-proxy-client");

        authenticator.Authenticate(Request(fromFrontProxyCa ? _frontProxyCa : _otherCa, commonName)).ShouldBeNull();
    }

    [Fact]
    public void Authenticate_NoCertificate_Null()
    {
        using var authenticator = Authenticator();

        authenticator.Authenticate(Request(null, string.Empty)).ShouldBeNull();
    }

    [Fact]
    public void Authenticate_NoAllowedNames_AnyNameFromTheCa()
    {
        using var authenticator = Authenticator();

        authenticator.Authenticate(Request(_frontProxyCa, "anything")).ShouldNotBeNull().Name.ShouldBe("alice");
    }

    [Fact]
    public void Authenticate_NoUserHeader_Null()
    {
        using var authenticator = Authenticator();
        var context = Request(_frontProxyCa, "front-proxy-client");
        context.Request.Headers.Remove("X-Remote-User");

        authenticator.Authenticate(context).ShouldBeNull();
    }
}
