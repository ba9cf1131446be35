using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Encryption;
using Clusterpedia.ClusterSynchro.Hosted;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Tests.Security;

/// <summary>The encryption of PediaCluster credentials on its own: round trip, binding to object and field, missing keys, bad keys.</summary>
public sealed class CredentialProtectorTests : IDisposable
{
    private readonly TempDirectory _dir = new("clusterpedia-protector-");

    public void Dispose() => _dir.Delete();

    [Fact]
    public void Protect_ThenUnprotect_RoundTripsEveryCredentialAndLeavesCaData()
    {
        var protector = Create(NewKey());
        var obj = Cluster();
        protector.Protect(obj, "a");

        foreach (var field in new[] { "tokenData", "keyData", "certData", "kubeconfig" })
        {
            obj["spec"]![field]!.GetValue<string>().ShouldStartWith("enc:aesgcm:");
        }

        obj["spec"]!["caData"]!.GetValue<string>().ShouldBe("Y2E=");
        protector.Unprotect(obj, "a").ShouldBeNull();
        obj.ToJsonString().ShouldBe(Cluster().ToJsonString());
    }

    [Fact]
    public void Unprotect_ValueMovedToAnotherObject_RefusedAndLeftEncrypted()
    {
        var protector = Create(NewKey());
        var obj = Cluster();
        protector.Protect(obj, "a");
        var moved = obj["spec"]!["tokenData"]!.GetValue<string>();

        protector.Unprotect(obj, "b")!.ShouldStartWith("spec.");
        obj["spec"]!["tokenData"]!.GetValue<string>().ShouldBe(moved);
    }

    [Fact]
    public void Unprotect_KeyNoLongerConfigured_ErrorNamesFieldAndKeyNotValue()
    {
        var obj = Cluster();
        Create(NewKey()).Protect(obj, "a");

        var error = Create(NewKey()).Unprotect(obj, "a");
        error.ShouldNotBeNull();
        error.ShouldStartWith("spec.kubeconfig: encrypted with key ");
        error.ShouldContain("Encryption:Keys");
        error.ShouldNotContain("dG9rZW4=");
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void Create_BadKey_RefusedNamingTheSetting(string key)
    {
        Should.Throw<InvalidOperationException>(() => Create(key)).Message.ShouldStartWith("Encryption:Keys:0: an encryption key must be");
    }

    [Fact]
    public void Create_HostedMode_NothingEncrypted()
    {
        var protector = new CredentialProtector(
            Options.Create(new CredentialEncryptionOptions()),
            Options.Create(new StorageOptions { ConnectionString = $"Data Source={_dir.File("db")}" }),
            Options.Create(new HostClusterOptions { HostKubeconfig = "/some/kubeconfig" }),
            NullLogger<CredentialProtector>.Instance);
        var obj = Cluster();
        protector.Protect(obj, "a");
        obj.ToJsonString().ShouldBe(Cluster().ToJsonString());
        File.Exists(_dir.File("db.key")).ShouldBeFalse();
    }

    private CredentialProtector Create(string key)
    {
        var options = new CredentialEncryptionOptions();
        options.Keys.Add(key);
        return new CredentialProtector(
            Options.Create(options),
            Options.Create(new StorageOptions { ConnectionString = $"Data Source={_dir.File("db")}" }),
            Options.Create(new HostClusterOptions()),
            NullLogger<CredentialProtector>.Instance);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static JsonObject Cluster() => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "a" },
        ["spec"] = new JsonObject
        {
            ["apiserver"] = "https://10.0.0.1:6443",
            ["caData"] = "Y2E=",
            ["tokenData"] = "dG9rZW4=",
            ["certData"] = "Y2VydA==",
            ["keyData"] = "a2V5",
            ["kubeconfig"] = "a3ViZWNvbmZpZw==",
        },
    };
}
