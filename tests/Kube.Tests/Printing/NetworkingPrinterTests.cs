using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

public sealed class NetworkingPrinterTests
{
    private static string Service(string spec, string status = "{}") =>
        CellsJson(BuiltIn("", "services"), Parse("""{"metadata":{"name":"svc","creationTimestamp":"2025-12-31T23:59:15Z"},"spec":""" + spec + ""","status":""" + status + "}"));

    [Fact]
    public void Service_ClusterIp_PortsAndSelector()
    {
        Service("""
                    {"type":"ClusterIP","clusterIPs":["10.96.0.10","fd00::a"],"selector":{"k8s-app":"kube-dns","app":"dns"},
                    "ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP"},{"port":9153,"protocol":"TCP"}]}
                    """)
            .ShouldBe("""["svc","ClusterIP","10.96.0.10","<none>","53/UDP,53/TCP,9153/TCP","45s","app=dns,k8s-app=kube-dns"]""");
    }

    [Fact]
    public void Service_HeadlessWithoutPorts_NoneEverywhere()
    {
        Service("""{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"]}""")
            .ShouldBe("""["svc","ClusterIP","None","<none>","<none>","45s","<none>"]""");
        Service("""{"type":"ClusterIP"}""").ShouldContain("\"ClusterIP\",\"<none>\",\"<none>\",\"<none>\"");
    }

    [Fact]
    public void Service_NodePortWithExternalIps()
    {
        Service("""
                    {"type":"NodePort","clusterIPs":["10.0.0.1"],"externalIPs":["1.2.3.4","5.6.7.8"],
                    "ports":[{"port":80,"nodePort":31234,"protocol":"TCP"},{"port":443,"protocol":"TCP"}]}
                    """)
            .ShouldBe("""["svc","NodePort","10.0.0.1","1.2.3.4,5.6.7.8","80:31234/TCP,443/TCP","45s","<none>"]""");
    }

    [Fact]
    public void Service_LoadBalancer_PendingSortedDedupedAndExternalIpsAppended()
    {
        const string spec = """{"type":"LoadBalancer","clusterIPs":["10.0.0.2"],"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}]}""";
        Parse(Service(spec))[3].GetString().ShouldBe("<pending>");
        Parse(Service(spec, """{"loadBalancer":{"ingress":[{"ip":"34.1.1.1"},{"hostname":"a-very-long-load-balancer.elb.amazonaws.com"},{"ip":"20.1.1.1"},{"ip":"34.1.1.1"},{}]}}"""))[3]
            .GetString().ShouldBe("20.1.1.1,34.1.1.1,a-very-long-load-balancer.elb.amazonaws.com");
        Parse(Service(spec.Replace("\"ports\"", "\"externalIPs\":[\"9.9.9.9\"],\"ports\"", StringComparison.Ordinal), """{"loadBalancer":{"ingress":[{"ip":"34.1.1.1"}]}}"""))[3]
            .GetString().ShouldBe("34.1.1.1,9.9.9.9");
    }

    [Fact]
    public void Service_ExternalName()
    {
        Service("""{"type":"ExternalName","externalName":"db.example.com"}""")
            .ShouldBe("""["svc","ExternalName","<none>","db.example.com","<none>","45s","<none>"]""");
    }

    private static string Ingress(string spec, string status = "{}") =>
        CellsJson(BuiltIn("networking.k8s.io", "ingresses"), Parse("""{"metadata":{"name":"ing","creationTimestamp":"2025-12-31T21:00:00Z"},"spec":""" + spec + ""","status":""" + status + "}"));

    [Fact]
    public void Ingress_NoClassNoHostsNoTls()
    {
        Ingress("""{"rules":[{"http":{}}]}""").ShouldBe("""["ing","<none>","*","","80","3h"]""");
    }

    [Fact]
    public void Ingress_MoreThanThreeHosts_CountsAllRules()
    {
        Ingress("""
                    {"ingressClassName":"nginx","tls":[{"hosts":["a.example.com"]}],
                    "rules":[{"host":"a.example.com"},{"host":"b.example.com"},{},{"host":"c.example.com"},{"host":"d.example.com"}]}
                    """,
                """{"loadBalancer":{"ingress":[{"hostname":"lb.example.com"},{"ip":"10.0.0.5"}]}}""")
            .ShouldBe("""["ing","nginx","a.example.com,b.example.com,c.example.com + 2 more...","10.0.0.5,lb.example.com","80, 443","3h"]""");
    }

    [Fact]
    public void Ingress_ServedForExtensionsGroupToo()
    {
        BuiltIn("extensions", "ingresses").ShouldBeSameAs(BuiltIn("networking.k8s.io", "ingresses"));
    }

    private static string Endpoints(string subsets) =>
        Parse(CellsJson(BuiltIn("", "endpoints"), Parse("""{"metadata":{"name":"ep"},"subsets":""" + subsets + "}")))[1].GetString()!;

    [Fact]
    public void Endpoints_NoSubsets_None()
    {
        Endpoints("[]").ShouldBe("<none>");
        Endpoints("""[{"notReadyAddresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}]""").ShouldBe("");
    }

    [Fact]
    public void Endpoints_PortsOuterAddressesInner_FirstThreeThenMore()
    {
        Endpoints("""[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"port":80},{"port":443}]}]""")
            .ShouldBe("10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...");
    }

    [Fact]
    public void Endpoints_Ipv6BracketedAndPortlessSubsets()
    {
        Endpoints("""[{"addresses":[{"ip":"fd00::1"}],"ports":[{"port":8080}]},{"addresses":[{"ip":"10.1.0.1"},{"ip":"10.1.0.2"}]}]""")
            .ShouldBe("[fd00::1]:8080,10.1.0.1,10.1.0.2");
    }
}
