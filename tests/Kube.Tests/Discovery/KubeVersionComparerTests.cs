using Clusterpedia.Kube.Discovery;

namespace Clusterpedia.Kube.Tests.Discovery;

public sealed class KubeVersionComparerTests
{
    [Fact]
    public void Order_KubernetesExample_PreferredFirst()
    {
        // The example of apimachinery's CompareKubeAwareVersionStrings documentation, shuffled.
        string[] versions = ["foo1", "v1alpha1", "v12alpha1", "v1", "foo10", "v1beta2", "v11beta2", "v2", "v10beta3", "v10", "v11alpha2", "v1beta1", "foo2"];

        versions.Order(KubeVersionComparer.Instance).ShouldBe(
            ["v10", "v2", "v1", "v11beta2", "v10beta3", "v1beta2", "v1beta1", "v12alpha1", "v11alpha2", "v1alpha1", "foo1", "foo10", "foo2"]);
    }

    [Theory]
    [InlineData("v1beta")]
    [InlineData("v1alpha")]
    [InlineData("v")]
    [InlineData("V1")]
    [InlineData("v1gamma1")]
    [InlineData("v99999999999999999999")]
    public void Compare_NotAKubernetesVersion_SortsAfterEveryKubernetesVersion(string other)
    {
        KubeVersionComparer.Instance.Compare("v1alpha1", other).ShouldBeLessThan(0);
        KubeVersionComparer.Instance.Compare(other, "v1alpha1").ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Compare_Same_IsZero() => KubeVersionComparer.Instance.Compare("v1beta1", "v1beta1").ShouldBe(0);
}
