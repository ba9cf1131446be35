using System.Text.Json;
using Clusterpedia.Kube.Printing;
using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

public sealed class CustomResourcePrinterTests
{
    // The additionalPrinterColumns of OpenKruise's CloneSet CRD (shared/fixtures/crds/openkruise).
    private static readonly CustomColumn[] _cloneSetColumns =
    [
        new("DESIRED", "integer", null, "The desired number of pods.", 0, ".spec.replicas"),
        new("UPDATED", "integer", null, "The number of pods updated.", 0, ".status.updatedReplicas"),
        new("UPDATED_READY", "integer", null, "The number of pods updated and ready.", 0, ".status.updatedReadyReplicas"),
        new("UPDATED_AVAILABLE", "integer", null, "The number of pods updated and available.", 0, ".status.updatedAvailableReplicas"),
        new("READY", "integer", null, "The number of pods ready.", 0, ".status.readyReplicas"),
        new("TOTAL", "integer", null, "The number of currently all pods.", 0, ".status.replicas"),
        new("AGE", "date", null, "CreationTimestamp is a timestamp representing the server time when this object was created.", 0, ".metadata.creationTimestamp"),
        new("CONTAINERS", "string", null, "The containers of currently cloneset.", 1, ".spec.template.spec.containers[*].name"),
        new("IMAGES", "string", null, "The images of currently cloneset.", 1, ".spec.template.spec.containers[*].image"),
        new("SELECTOR", "string", null, "The selector of currently cloneset.", 1, ".status.labelSelector"),
    ];

    // OpenShift's Route CRD (shared/fixtures/crds/openshift-route): columns without descriptions.
    private static readonly CustomColumn[] _routeColumns =
    [
        new("Host", "string", null, null, 0, ".status.ingress[0].host"),
        new("Admitted", "string", null, null, 0, ".status.ingress[0].conditions[?(@.type==\"Admitted\")].status"),
        new("Service", "string", null, null, 0, ".spec.to.name"),
        new("TLS", "string", null, null, 0, ".spec.tls.type"),
    ];

    [Fact]
    public void Columns_NameFirstThenCrdColumnsAsDeclared()
    {
        var printer = TablePrinters.ForCustomResource(_cloneSetColumns);
        ColumnsText(printer).ShouldBe(
            "Name:string:0|DESIRED:integer:0|UPDATED:integer:0|UPDATED_READY:integer:0|UPDATED_AVAILABLE:integer:0|READY:integer:0|TOTAL:integer:0|AGE:date:0|CONTAINERS:string:1|IMAGES:string:1|SELECTOR:string:1");
        printer.Columns[0].Format.ShouldBe("name");
        printer.Columns[1].Description.ShouldBe("The desired number of pods.");
        printer.Columns[1].Format.ShouldBe("");
    }

    [Fact]
    public void WriteCells_CloneSet_FirstMatchOnlyAndNullForMissing()
    {
        CellsJson(TablePrinters.ForCustomResource(_cloneSetColumns), Parse("""
            {"apiVersion":"apps.kruise.io/v1alpha1","kind":"CloneSet",
             "metadata":{"name":"guestbook-clone","creationTimestamp":"2025-12-31T21:54:00Z"},
             "spec":{"replicas":20,"template":{"spec":{"containers":[{"name":"guestbook","image":"openkruise/guestbook:v1"},{"name":"sidecar","image":"busybox"}]}}},
             "status":{"replicas":20,"readyReplicas":18,"updatedReplicas":20,"updatedReadyReplicas":17.9,"labelSelector":"app.kubernetes.io/name=guestbook-clone"}}
            """)).ShouldBe("""["guestbook-clone",20,20,17,null,18,20,"126m","guestbook","openkruise/guestbook:v1","app.kubernetes.io/name=guestbook-clone"]""");
    }

    [Fact]
    public void WriteCells_Route_FilterAndDescriptionFallback()
    {
        var printer = TablePrinters.ForCustomResource(_routeColumns);
        printer.Columns[2].Description.ShouldBe("Custom resource definition column (in JSONPath format): .status.ingress[0].conditions[?(@.type==\"Admitted\")].status");
        CellsJson(printer, Parse("""
            {"metadata":{"name":"test"},"spec":{"host":"","to":{"kind":"Service","name":"hello-openshift"}},
             "status":{"ingress":[{"host":"test.apps.example.com","conditions":[{"type":"Other","status":"False"},{"type":"Admitted","status":"True"}]}]}}
            """)).ShouldBe("""["test","test.apps.example.com","True","hello-openshift",null]""");
    }

    [Fact]
    public void ForCustomResource_NoColumns_NameAndAgeDate()
    {
        var printer = TablePrinters.ForCustomResource([]);
        ColumnsText(printer).ShouldBe("Name:string:0|Age:date:0");
        CellsJson(printer, Parse("""{"metadata":{"name":"x","creationTimestamp":"2025-12-31T23:57:00Z"}}""")).ShouldBe("""["x","3m"]""");
        CellsJson(printer, Parse("""{"metadata":{"name":"x"}}""")).ShouldBe("""["x",null]""");
    }

    [Theory]
    [InlineData("string", "\"abc\"", "\"abc\"")]
    [InlineData("string", "42", "\"42\"")]
    [InlineData("string", "1.5", "\"1.5\"")]
    [InlineData("string", "1500000.5", "\"1.5000005e+06\"")]
    [InlineData("string", "0.00001", "\"1e-05\"")]
    [InlineData("string", "true", "\"true\"")]
    [InlineData("string", """{"b":1,"a":"<x>"}""", "\"{\\\"a\\\":\\\"\\\\u003cx\\\\u003e\\\",\\\"b\\\":1}\"")]
    [InlineData("string", """["x","y"]""", "\"[\\\"x\\\",\\\"y\\\"]\"")]
    [InlineData("integer", "7", "7")]
    [InlineData("integer", "7.9", "7")]
    [InlineData("integer", "\"7\"", "null")]
    [InlineData("number", "3", "3")]
    [InlineData("number", "2.25", "2.25")]
    [InlineData("boolean", "false", "false")]
    [InlineData("boolean", "\"true\"", "null")]
    [InlineData("date", "\"2025-12-31T23:00:00Z\"", "\"60m\"")]
    [InlineData("date", "\"2025-12-31T23:00:00.5+01:00\"", "\"119m\"")]
    [InlineData("date", "\"yesterday\"", "\"<invalid>\"")]
    [InlineData("date", "\"\"", "\"<unknown>\"")]
    [InlineData("date", "12", "null")]
    [InlineData("object", "{}", "null")]
    public void WriteCells_ValueByColumnType(string type, string value, string expected)
    {
        var printer = TablePrinters.ForCustomResource([new CustomColumn("V", type, null, null, 0, ".spec.v")]);
        var cells = Cells(printer, Parse("""{"metadata":{"name":"x"},"spec":{"v":""" + value + "}}"));
        cells[1].GetRawText().ShouldBe(expected);
    }

    [Theory]
    [InlineData(".spec.items[1].name", "\"b\"")]
    [InlineData(".spec.items[-1].name", "\"c\"")]
    [InlineData(".spec.items[1:].name", "\"b\"")]
    [InlineData(".spec.items[*].name", "\"a\"")]
    [InlineData(".spec.items[5].name", "null")]
    [InlineData(".metadata.labels['app.kubernetes.io/name']", "\"web\"")]
    [InlineData(".metadata.labels[\"app.kubernetes.io/name\"]", "\"web\"")]
    [InlineData("{.metadata.name}", "\"x\"")]
    [InlineData("$.metadata.name", "\"x\"")]
    [InlineData(".spec.items[?(@.port > 80)].name", "\"b\"")]
    [InlineData(".spec.items[?(@.name != \"a\")].name", "\"b\"")]
    [InlineData(".spec.items[?(@.primary)].name", "\"c\"")]
    [InlineData("..port", "80")]
    [InlineData(".spec.missing.deeper", "null")]
    [InlineData(".spec.items.name", "null")]
    public void WriteCells_JsonPathSubset(string path, string expected)
    {
        var printer = TablePrinters.ForCustomResource([new CustomColumn("V", path.Contains("port", StringComparison.Ordinal) && !path.Contains('?', StringComparison.Ordinal) ? "integer" : "string", null, null, 0, path)]);
        var obj = Parse("""
            {"metadata":{"name":"x","labels":{"app.kubernetes.io/name":"web"}},
             "spec":{"items":[{"name":"a","port":80},{"name":"b","port":443},{"name":"c","primary":true}]}}
            """);
        Cells(printer, obj)[1].GetRawText().ShouldBe(expected);
    }

    [Fact]
    public void WriteCells_StringColumnWithJsonNull_NoValue()
    {
        var printer = TablePrinters.ForCustomResource([new CustomColumn("V", "string", null, null, 0, ".spec.v")]);
        Cells(printer, Parse("""{"metadata":{"name":"x"},"spec":{"v":null}}"""))[1].GetString().ShouldBe("<no value>");
        Cells(printer, Parse("""{"metadata":{"name":"x"},"spec":{"v":null}}"""))[1].ValueKind.ShouldBe(JsonValueKind.String);
    }
}
