using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

public sealed class ClusterPrinterTests
{
    private static string Node(string labels, string spec, string status) =>
        CellsJson(BuiltIn("", "nodes"), Parse("""{"metadata":{"name":"n1","creationTimestamp":"2025-11-01T00:00:00Z","labels":""" + labels + """},"spec":""" + spec + ""","status":""" + status + "}"));

    [Fact]
    public void Node_ReadyWithRolesAndAddresses()
    {
        Node("""{"node-role.kubernetes.io/control-plane":"","node-role.kubernetes.io/master":"x","kubernetes.io/role":"etcd","node-role.kubernetes.io/":"ignored"}""",
             "{}",
             """
                 {"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
                 "addresses":[{"type":"Hostname","address":"n1"},{"type":"InternalIP","address":"192.168.1.10"},{"type":"InternalIP","address":"192.168.1.11"}],
                 "nodeInfo":{"kubeletVersion":"v1.33.1","osImage":"Ubuntu 24.04 LTS","kernelVersion":"6.8.0","containerRuntimeVersion":"containerd://2.0.4"}}
                 """)
            .ShouldBe("""["n1","Ready","control-plane,etcd,master","61d","v1.33.1","192.168.1.10","<none>","Ubuntu 24.04 LTS","6.8.0","containerd://2.0.4"]""");
    }

    [Theory]
    [InlineData("""[{"type":"Ready","status":"False"}]""", "false", "NotReady")]
    [InlineData("""[{"type":"Ready","status":"Unknown"}]""", "true", "NotReady,SchedulingDisabled")]
    [InlineData("[]", "false", "Unknown")]
    [InlineData("""[{"type":"Ready","status":"True"}]""", "true", "Ready,SchedulingDisabled")]
    public void Node_Status(string conditions, string unschedulable, string expected)
    {
        Parse(Node("{}", """{"unschedulable":""" + unschedulable + "}", """{"conditions":""" + conditions + "}"))[1].GetString().ShouldBe(expected);
    }

    [Fact]
    public void Node_EmptyNodeInfo_UnknownWideCells()
    {
        Node("{}", "{}", "{}").ShouldBe("""["n1","Unknown","<none>","61d","","<none>","<none>","<unknown>","<unknown>","<unknown>"]""");
    }

    [Fact]
    public void ConfigMapSecretServiceAccount_CountsAreIntegers()
    {
        CellsJson(BuiltIn("", "configmaps"), Parse("""{"metadata":{"name":"cm"},"data":{"a":"1","b":"2"}}"""))
            .ShouldBe("""["cm",2,"<unknown>"]""");
        CellsJson(BuiltIn("", "configmaps"), Parse("""{"metadata":{"name":"empty"}}""")).ShouldBe("""["empty",0,"<unknown>"]""");
        CellsJson(BuiltIn("", "secrets"), Parse("""{"metadata":{"name":"tls"},"type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""}}"""))
            .ShouldBe("""["tls","kubernetes.io/tls",2,"<unknown>"]""");
        CellsJson(BuiltIn("", "serviceaccounts"), Parse("""{"metadata":{"name":"default"}}""")).ShouldBe("""["default",0,"<unknown>"]""");
    }

    private static string[] Event(string body, string group = "") =>
        [.. Cells(BuiltIn(group, "events"), Parse("""{"metadata":{"name":"web.17f"},""" + body + "}")).Select(c => c.ToString())];

    [Fact]
    public void Event_ClassicEvent()
    {
        Event("""
            "involvedObject":{"kind":"Pod","name":"web-0","fieldPath":"spec.containers{app}"},
            "reason":"BackOff","message":"  Back-off restarting failed container\n","type":"Warning",
            "source":{"component":"kubelet","host":"node-1"},
            "firstTimestamp":"2025-12-31T22:00:00Z","lastTimestamp":"2025-12-31T23:58:00Z","count":42
            """).ShouldBe(["2m", "Warning", "BackOff", "pod/web-0", "spec.containers{app}", "kubelet, node-1", "Back-off restarting failed container", "120m", "42", "web.17f"]);
    }

    [Fact]
    public void Event_NewApiSingleton_EventTimeAndCountOne()
    {
        Event("""
            "involvedObject":{"kind":"Node"},"reason":"RegisteredNode","message":"m","type":"Normal",
            "eventTime":"2025-12-31T23:59:30.123456Z","reportingComponent":"node-controller","reportingInstance":""
            """).ShouldBe(["29s", "Normal", "RegisteredNode", "node", "", "node-controller", "m", "29s", "1", "web.17f"]);
    }

    [Fact]
    public void Event_Series_UsesLastObservedTimeAndSeriesCount()
    {
        var cells = Event("""
            "involvedObject":{"kind":"Deployment","name":"web"},"count":3,
            "firstTimestamp":"2025-12-31T20:00:00Z","lastTimestamp":"2025-12-31T21:00:00Z",
            "series":{"count":7,"lastObservedTime":"2025-12-31T23:50:00.000000Z"}
            """);
        cells[0].ShouldBe("10m");
        cells[7].ShouldBe("4h");
        cells[8].ShouldBe("7");
    }

    [Fact]
    public void Event_NoTimes_Unknown()
    {
        var cells = Event("\"involvedObject\":{}");
        cells[0].ShouldBe("<unknown>");
        cells[7].ShouldBe("<unknown>");
        cells[8].ShouldBe("1");
    }

    [Fact]
    public void Event_EventsApi_MapsRegardingNoteAndDeprecatedFields()
    {
        Event("""
            "regarding":{"kind":"Pod","name":"web-0"},"note":"Pulled image","reason":"Pulled","type":"Normal",
            "reportingController":"kubelet","reportingInstance":"node-2",
            "deprecatedFirstTimestamp":"2025-12-31T23:00:00Z","deprecatedLastTimestamp":"2025-12-31T23:30:00Z","deprecatedCount":2
            """, "events.k8s.io").ShouldBe(["30m", "Normal", "Pulled", "pod/web-0", "", "kubelet, node-2", "Pulled image", "60m", "2", "web.17f"]);
    }
}
