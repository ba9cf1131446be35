using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

/// <summary>Printers kube-apiserver has beyond the main workload and core types.</summary>
public sealed class ExtraPrinterTests
{
    [Theory]
    [InlineData("", "podtemplates", "core.v1.PodTemplate", """["nameValue","nameValue","imageValue","labelsKey=labelsValue"]""")]
    [InlineData("policy", "poddisruptionbudgets", "policy.v1.PodDisruptionBudget", """["nameValue","minAvailableValue","maxUnavailableValue",3,"18y"]""")]
    [InlineData("networking.k8s.io", "ingressclasses", "networking.k8s.io.v1.IngressClass", """["nameValue","controllerValue","kindValue.apiGroupValue/nameValue","18y"]""")]
    [InlineData("networking.k8s.io", "networkpolicies", "networking.k8s.io.v1.NetworkPolicy", """["nameValue","<error>","18y"]""")]
    [InlineData("discovery.k8s.io", "endpointslices", "discovery.k8s.io.v1.EndpointSlice", """["nameValue","addressTypeValue","3","addressesValue","18y"]""")]
    [InlineData("rbac.authorization.k8s.io", "rolebindings", "rbac.authorization.k8s.io.v1.RoleBinding", """["nameValue","kindValue/nameValue","18y","","",""]""")]
    [InlineData("storage.k8s.io", "storageclasses", "storage.k8s.io.v1.StorageClass", """["nameValue","provisionerValue","reclaimPolicyValue","volumeBindingModeValue",true,"18y"]""")]
    [InlineData("coordination.k8s.io", "leases", "coordination.k8s.io.v1.Lease", """["nameValue","holderIdentityValue","18y"]""")]
    [InlineData("scheduling.k8s.io", "priorityclasses", "scheduling.k8s.io.v1.PriorityClass", """["nameValue",2,true,"18y","preemptionPolicyValue"]""")]
    [InlineData("node.k8s.io", "runtimeclasses", "node.k8s.io.v1.RuntimeClass", """["nameValue","handlerValue","18y"]""")]
    public void WriteCells_SampleObject_MatchesGolden(string group, string resource, string fixture, string expected)
    {
        CellsJson(BuiltIn(group, resource), Object(fixture)).ShouldBe(expected);
    }

    [Fact]
    public void PodDisruptionBudget_IntOrStringAndUnset()
    {
        CellsJson(BuiltIn("policy", "poddisruptionbudgets"), Parse("""{"metadata":{"name":"pdb"},"spec":{"minAvailable":2},"status":{"disruptionsAllowed":1}}"""))
            .ShouldBe("""["pdb","2","N/A",1,"<unknown>"]""");
        CellsJson(BuiltIn("policy", "poddisruptionbudgets"), Parse("""{"metadata":{"name":"pdb"},"spec":{"maxUnavailable":"25%"}}"""))
            .ShouldBe("""["pdb","N/A","25%",0,"<unknown>"]""");
    }

    [Fact]
    public void ClusterRoleBinding_SubjectsSplitByKind()
    {
        var printer = BuiltIn("rbac.authorization.k8s.io", "clusterrolebindings");
        ColumnsText(printer).ShouldBe("Name:string:0|Role:string:0|Age:string:0|Users:string:1|Groups:string:1|ServiceAccounts:string:1");
        CellsJson(printer, Parse("""
            {"metadata":{"name":"cluster-admin"},"roleRef":{"kind":"ClusterRole","name":"cluster-admin"},
             "subjects":[{"kind":"Group","name":"system:masters"},{"kind":"User","name":"alice"},{"kind":"User","name":"bob"},
                         {"kind":"ServiceAccount","namespace":"kube-system","name":"admin"}]}
            """)).ShouldBe("""["cluster-admin","ClusterRole/cluster-admin","<unknown>","alice, bob","system:masters","kube-system/admin"]""");
    }

    [Fact]
    public void StorageClass_DefaultsAndDefaultMarker()
    {
        CellsJson(BuiltIn("storage.k8s.io", "storageclasses"), Parse("""
            {"metadata":{"name":"standard","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"rancher.io/local-path"}
            """)).ShouldBe("""["standard (default)","rancher.io/local-path","Delete","Immediate",false,"<unknown>"]""");
    }

    [Fact]
    public void EndpointSlice_MoreThanThreeAndUnset()
    {
        CellsJson(BuiltIn("discovery.k8s.io", "endpointslices"), Parse("""
            {"metadata":{"name":"s"},"addressType":"IPv4",
             "ports":[{"port":80},{"name":"metrics"},{},{"port":443}],
             "endpoints":[{"addresses":["10.0.0.1","10.0.0.2"]},{"addresses":["10.0.0.3"]},{"addresses":["10.0.0.4","10.0.0.5"]}]}
            """)).ShouldBe("""["s","IPv4","80,metrics,* + 1 more...","10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...","<unknown>"]""");
        CellsJson(BuiltIn("discovery.k8s.io", "endpointslices"), Parse("""{"metadata":{"name":"s"},"addressType":"IPv6"}"""))
            .ShouldBe("""["s","IPv6","<unset>","<unset>","<unknown>"]""");
    }

    [Fact]
    public void NetworkPolicy_EmptySelector_None()
    {
        CellsJson(BuiltIn("networking.k8s.io", "networkpolicies"), Parse("""{"metadata":{"name":"deny-all"},"spec":{"podSelector":{}}}"""))
            .ShouldBe("""["deny-all","<none>","<unknown>"]""");
    }
}
