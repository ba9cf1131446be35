using Clusterpedia.ClusterSynchro.Synchro;

namespace Clusterpedia.ClusterSynchro.Tests.Security;

/// <summary>The outbound target policy on address literals (no DNS): defaults, explicit allows and the allow list.</summary>
public sealed class OutboundTargetPolicyTests
{
    [Theory]
    [InlineData("https://127.0.0.1:6443", "loopback")]
    [InlineData("https://[::1]:6443", "loopback")]
    [InlineData("https://0.0.0.0:6443", "loopback")]
    [InlineData("https://[::ffff:127.0.0.1]:6443", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("https://[fe80::1]:6443", "link-local")]
    public async Task CheckAsync_LocalTargetsByDefault_RefusedNamingWhy(string url, string why)
    {
        var policy = new OutboundTargetPolicy(new SynchroOptions());
        var e = await Should.ThrowAsync<InvalidSpecException>(() => policy.CheckAsync("spec.apiserver", new Uri(url), CancellationToken.None));
        e.Message.ShouldStartWith("spec.apiserver: the target");
        e.Message.ShouldContain(why);
    }

    [Fact]
    public async Task CheckAsync_ExplicitAllows_LoopbackAndLinkLocalReachable()
    {
        var policy = new OutboundTargetPolicy(new SynchroOptions { AllowLoopbackTargets = true, AllowLinkLocalTargets = true });
        var allow = await policy.CheckAsync("spec.apiserver", new Uri("https://127.0.0.1:6443"), CancellationToken.None);
        allow(System.Net.IPAddress.Loopback).ShouldBeTrue();
        allow(System.Net.IPAddress.Parse("169.254.169.254")).ShouldBeTrue();
    }

    [Fact]
    public async Task CheckAsync_AllowedTargetsSet_OnlyListedNetworksAndHosts()
    {
        var options = new SynchroOptions();
        options.AllowedTargets.Add("10.0.0.0/8");
        options.AllowedTargets.Add("*.kube.example.com");
        var policy = new OutboundTargetPolicy(options);

        var allow = await policy.CheckAsync("spec.apiserver", new Uri("https://10.1.2.3:6443"), CancellationToken.None);
        allow(System.Net.IPAddress.Parse("10.9.9.9")).ShouldBeTrue();
        allow(System.Net.IPAddress.Parse("192.168.0.1")).ShouldBeFalse("every connection is checked, not only the first");
        (await Should.ThrowAsync<InvalidSpecException>(() => policy.CheckAsync("spec.apiserver", new Uri("https://192.168.0.1:6443"), CancellationToken.None)))
            .Message.ShouldContain("not in Synchro:AllowedTargets");

        // A listed name pattern allows the host whatever it resolves to, loopback and link-local still excepted.
        var byName = await policy.CheckAsync("spec.apiserver", new Uri("https://a.kube.example.com:6443"), CancellationToken.None);
        byName(System.Net.IPAddress.Parse("192.168.0.1")).ShouldBeTrue();
        byName(System.Net.IPAddress.Loopback).ShouldBeFalse();
    }
}
