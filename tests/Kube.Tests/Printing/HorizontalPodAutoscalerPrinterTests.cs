using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

public sealed class HorizontalPodAutoscalerPrinterTests
{
    private static string Targets(string metrics, string currentMetrics = "[]")
    {
        var cells = Cells(BuiltIn("autoscaling", "horizontalpodautoscalers"), Parse("""
            {"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":10,"metrics":
            """ + metrics + """},"status":{"currentReplicas":2,"currentMetrics":""" + currentMetrics + "}}"));
        return cells[2].GetString()!;
    }

    [Fact]
    public void Hpa_AllColumns()
    {
        CellsJson(BuiltIn("autoscaling", "horizontalpodautoscalers"), Parse("""
            {"metadata":{"name":"web","creationTimestamp":"2025-12-31T23:00:00Z"},
             "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":10,
                     "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}}]},
             "status":{"currentReplicas":3,"currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":35,"averageValue":"120m"}}}]}}
            """)).ShouldBe("""["web","Deployment/web","cpu: 35%/80%","1",10,3,"60m"]""");
    }

    [Fact]
    public void Hpa_NoMetrics_NoneAndUnsetMin()
    {
        CellsJson(BuiltIn("autoscaling", "horizontalpodautoscalers"), Parse("""{"metadata":{"name":"h"},"spec":{"scaleTargetRef":{"kind":"StatefulSet","name":"db"},"maxReplicas":3},"status":{}}"""))
            .ShouldBe("""["h","StatefulSet/db","<none>","<unset>",3,0,"<unknown>"]""");
    }

    [Fact]
    public void Hpa_ResourceUtilization_UnknownCurrentAndAutoTarget()
    {
        Targets("""[{"type":"Resource","resource":{"name":"memory","target":{"type":"Utilization"}}}]""").ShouldBe("memory: <unknown>/<auto>");
    }

    [Fact]
    public void Hpa_CurrentMatchedByIndexNotName()
    {
        Targets("""
                    [{"type":"Resource","resource":{"name":"cpu","target":{"type":"AverageValue","averageValue":"500m"}}},
                    {"type":"Pods","pods":{"metric":{"name":"rps"},"target":{"type":"AverageValue","averageValue":"100"}}}]
                    """,
                """[{"type":"Resource","resource":{"name":"cpu","current":{"averageValue":"250m"}}}]""")
            .ShouldBe("cpu: 250m/500m, <unknown>/100");
    }

    [Fact]
    public void Hpa_ObjectExternalContainerResource_AndMore()
    {
        Targets("""
                    [{"type":"Object","object":{"target":{"type":"Value","value":"10"}}},
                    {"type":"External","external":{"target":{"type":"AverageValue","averageValue":"30"}}},
                    {"type":"ContainerResource","containerResource":{"name":"cpu","container":"app","target":{"averageUtilization":60}}}]
                    """,
                """[{"type":"Object","object":{"current":{"value":"12"}}},{"type":"External","external":{"current":{"averageValue":"29"}}}]""")
            .ShouldBe("12/10, 29/30 (avg) + 1 more...");
        Targets("""
                    [{"type":"ContainerResource","containerResource":{"name":"cpu","container":"app","target":{"averageUtilization":60}}},
                    {"type":"Object","object":{"target":{"averageValue":"5"}}},{"type":"Weird"}]
                    """,
                """[{"type":"ContainerResource","containerResource":{"name":"cpu","current":{"averageUtilization":70}}}]""")
            .ShouldBe("cpu: 70%/60%, <unknown>/5 (avg) + 1 more...");
        Targets("""[{"type":"Weird"}]""").ShouldBe("<unknown type>");
    }

    [Fact]
    public void Hpa_AutoscalingV1_TargetCpu()
    {
        Parse(CellsJson(BuiltIn("autoscaling", "horizontalpodautoscalers"), Parse("""
            {"metadata":{"name":"h"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":5,"targetCPUUtilizationPercentage":80},"status":{}}
            """)))[2].GetString().ShouldBe("cpu: <unknown>/80%");
    }
}
