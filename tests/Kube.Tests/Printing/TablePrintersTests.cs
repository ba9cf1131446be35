using Clusterpedia.Kube.Printing;
using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

public sealed class TablePrintersTests
{
    public static TheoryData<string, string> BuiltInResources { get; } = new()
    {
        { "", "pods" }, { "", "namespaces" }, { "", "replicationcontrollers" }, { "", "services" }, { "", "nodes" },
        { "", "configmaps" }, { "", "secrets" }, { "", "serviceaccounts" }, { "", "endpoints" }, { "", "events" },
        { "", "persistentvolumes" }, { "", "persistentvolumeclaims" }, { "", "podtemplates" },
        { "apps", "deployments" }, { "apps", "replicasets" }, { "apps", "statefulsets" }, { "apps", "daemonsets" },
        { "extensions", "deployments" }, { "extensions", "replicasets" }, { "extensions", "daemonsets" }, { "extensions", "ingresses" },
        { "batch", "jobs" }, { "batch", "cronjobs" }, { "networking.k8s.io", "ingresses" }, { "networking.k8s.io", "ingressclasses" },
        { "networking.k8s.io", "networkpolicies" }, { "events.k8s.io", "events" }, { "autoscaling", "horizontalpodautoscalers" },
        { "policy", "poddisruptionbudgets" }, { "discovery.k8s.io", "endpointslices" },
        { "rbac.authorization.k8s.io", "rolebindings" }, { "rbac.authorization.k8s.io", "clusterrolebindings" },
        { "storage.k8s.io", "storageclasses" }, { "coordination.k8s.io", "leases" }, { "scheduling.k8s.io", "priorityclasses" },
        { "node.k8s.io", "runtimeclasses" }, { "apiregistration.k8s.io", "apiservices" },
    };

    [Theory]
    [MemberData(nameof(BuiltInResources))]
    public void ForBuiltIn_EmptyObject_OneCellPerColumnWithoutThrowing(string group, string resource)
    {
        var printer = BuiltIn(group, resource);
        Cells(printer, Parse("{}")).Length.ShouldBe(printer.Columns.Count);
        Cells(printer, Parse("""{"metadata":null,"spec":[],"status":"odd"}""")).Length.ShouldBe(printer.Columns.Count);
        printer.Columns.Count(c => c.Format == "name").ShouldBe(1);
        RowConditionsJson(printer, Parse("{}")).ShouldBe("{}");
    }

    [Fact]
    public void ForBuiltIn_NullArguments_Throw()
    {
        Should.Throw<ArgumentNullException>(() => TablePrinters.ForBuiltIn(null!, "pods"));
        Should.Throw<ArgumentNullException>(() => TablePrinters.ForCustomResource(null!));
    }

    [Fact]
    public void Default_EmptyObject_YearOneTimestamp()
    {
        // Go formats the zero creation time rather than leaving the cell empty.
        CellsJson(TablePrinters.Default, Parse("{}")).ShouldBe("""["","0001-01-01T00:00:00Z"]""");
    }
}
