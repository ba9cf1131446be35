using Clusterpedia.Kube.Printing;
using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

public sealed class WorkloadPrinterTests
{
    private const string _template = """
        "template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"},{"name":"sidecar","image":"envoy:1.30"}]}}
        """;

    [Fact]
    public void Deployment_Columns_MatchKubeApiserver()
    {
        ColumnsText(BuiltIn("apps", "deployments")).ShouldBe(
            "Name:string:0|Ready:string:0|Up-to-date:string:0|Available:string:0|Age:string:0|Containers:string:1|Images:string:1|Selector:string:1");
    }

    [Fact]
    public void Deployment_Fixture_UpToDateAndAvailableAreIntegers()
    {
        // The sample's selector uses an unknown operator, which the printer reports as <invalid>.
        CellsJson(BuiltIn("apps", "deployments"), Object("apps.v1.Deployment"))
            .ShouldBe("""["nameValue","7/1",3,4,"18y","nameValue","imageValue","<invalid>"]""");
    }

    [Fact]
    public void Deployment_SelectorString_SortedAndEmptyStaysEmpty()
    {
        var printer = BuiltIn("apps", "deployments");
        CellsJson(printer, Parse("""
            {"metadata":{"name":"web","creationTimestamp":"2025-12-29T21:00:00Z"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"tier":"front","app":"web"},
               "matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]},{"key":"legacy","operator":"DoesNotExist"}]},%T%},
             "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}
            """.Replace("%T%", _template, StringComparison.Ordinal))).ShouldBe("""["web","2/3",3,2,"2d3h","web,sidecar","nginx:1.27,envoy:1.30","app=web,env in (dev,prod),!legacy,tier=front"]""");
        Cells(printer, Parse("""{"metadata":{"name":"x"},"spec":{"replicas":0},"status":{}}"""))
            .Select(c => c.ToString()).ShouldBe(["x", "0/0", "0", "0", "<unknown>", "", "", ""]);
    }

    [Fact]
    public void ReplicaSet_Fixture_IntegerColumnsAndErrorSelector()
    {
        var printer = BuiltIn("apps", "replicasets");
        ColumnsText(printer).ShouldBe(
            "Name:string:0|Desired:integer:0|Current:integer:0|Ready:integer:0|Age:string:0|Containers:string:1|Images:string:1|Selector:string:1");
        CellsJson(printer, Object("apps.v1.ReplicaSet"))
            .ShouldBe("""["nameValue",1,1,4,"18y","nameValue","imageValue","<error>"]""");
    }

    [Fact]
    public void ReplicaSet_EmptySelector_None()
    {
        CellsJson(BuiltIn("apps", "replicasets"), Parse("""
            {"metadata":{"name":"web-5d8f","creationTimestamp":"2025-12-31T23:57:55Z"},"spec":{"replicas":2,%T%},"status":{"replicas":2}}
            """.Replace("%T%", _template, StringComparison.Ordinal))).ShouldBe("""["web-5d8f",2,2,0,"2m5s","web,sidecar","nginx:1.27,envoy:1.30","<none>"]""");
    }

    [Fact]
    public void ReplicationController_SelectorIsLabelMap()
    {
        var printer = BuiltIn("", "replicationcontrollers");
        CellsJson(printer, Object("core.v1.ReplicationController"))
            .ShouldBe("""["nameValue",1,1,4,"18y","nameValue","imageValue","selectorKey=selectorValue"]""");
    }

    [Fact]
    public void Namespace_StatusPhase()
    {
        var printer = BuiltIn("", "namespaces");
        ColumnsText(printer).ShouldBe("Name:string:0|Status:string:0|Age:string:0");
        CellsJson(printer, Parse("""{"metadata":{"name":"kube-system","creationTimestamp":"2025-12-31T20:54:00Z"},"status":{"phase":"Active"}}"""))
            .ShouldBe("""["kube-system","Active","3h6m"]""");
        CellsJson(printer, Object("core.v1.Namespace")).ShouldBe("""["nameValue","phaseValue","18y"]""");
    }

    [Fact]
    public void Default_NameAndCreatedAt()
    {
        var printer = TablePrinters.Default;
        ColumnsText(printer).ShouldBe("Name:string:0|Created At:date:0");
        CellsJson(printer, Object("rbac.authorization.k8s.io.v1.ClusterRole")).ShouldBe("""["nameValue","2008-01-01T01:01:01Z"]""");
        CellsJson(printer, Parse("""{"metadata":{"name":"x","creationTimestamp":"2025-06-01T10:00:00+02:00"}}"""))
            .ShouldBe("""["x","2025-06-01T08:00:00Z"]""");
    }

    [Theory]
    [InlineData("", "pods")]
    [InlineData("apps", "deployments")]
    [InlineData("apps", "replicasets")]
    [InlineData("", "namespaces")]
    public void ForBuiltIn_KnownResources_HaveNameColumnFirst(string group, string resource)
    {
        var printer = BuiltIn(group, resource);
        printer.Columns[0].ShouldBe(new TableColumnDefinition("Name", "string", "name", printer.Columns[0].Description, 0));
        printer.Columns[0].Description.ShouldStartWith("Name must be unique within a namespace.");
    }

    [Theory]
    [InlineData("", "widgets")]
    [InlineData("rbac.authorization.k8s.io", "clusterroles")]
    [InlineData("core", "pods")]
    public void ForBuiltIn_UnknownResources_Null(string group, string resource)
    {
        TablePrinters.ForBuiltIn(group, resource).ShouldBeNull();
    }
}
