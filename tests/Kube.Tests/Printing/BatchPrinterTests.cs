using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

public sealed class BatchPrinterTests
{
    private static string[] Job(string spec, string status, string metadata = "") =>
        [.. Cells(BuiltIn("batch", "jobs"), Parse("""{"metadata":{"name":"job","creationTimestamp":"2025-12-31T23:00:00Z" """ + metadata + """},"spec":""" + spec + ""","status":""" + status + "}"))
            .Select(c => c.ToString())];

    [Theory]
    [InlineData("""[{"type":"Complete","status":"True"}]""", "Complete")]
    [InlineData("""[{"type":"Failed","status":"True"},{"type":"Complete","status":"True"}]""", "Complete")]
    [InlineData("""[{"type":"Failed","status":"True"}]""", "Failed")]
    [InlineData("""[{"type":"Suspended","status":"True"}]""", "Suspended")]
    [InlineData("""[{"type":"FailureTarget","status":"True"}]""", "FailureTarget")]
    [InlineData("""[{"type":"Complete","status":"False"},{"type":"Complete","status":"True"}]""", "Running")]
    [InlineData("[]", "Running")]
    public void Job_Status_FirstConditionOfEachType(string conditions, string expected)
    {
        Job("{}", """{"conditions":""" + conditions + "}")[1].ShouldBe(expected);
    }

    [Fact]
    public void Job_Deleting_TerminatingUnlessFinished()
    {
        Job("{}", "{}", ""","deletionTimestamp":"2025-12-31T23:59:00Z" """)[1].ShouldBe("Terminating");
        Job("{}", """{"conditions":[{"type":"Complete","status":"True"}]}""", ""","deletionTimestamp":"2025-12-31T23:59:00Z" """)[1].ShouldBe("Complete");
    }

    [Theory]
    [InlineData("""{"completions":3,"parallelism":2}""", """{"succeeded":1}""", "1/3")]
    [InlineData("""{"parallelism":4}""", """{"succeeded":2}""", "2/1 of 4")]
    [InlineData("""{"parallelism":1}""", "{}", "0/1")]
    [InlineData("{}", "{}", "0/1")]
    public void Job_Completions(string spec, string status, string expected)
    {
        Job(spec, status)[2].ShouldBe(expected);
    }

    [Theory]
    [InlineData("{}", "")]
    [InlineData("""{"startTime":"2025-12-31T23:55:30Z"}""", "4m30s")]
    [InlineData("""{"startTime":"2025-12-31T20:00:00Z","completionTime":"2025-12-31T20:00:42Z"}""", "42s")]
    public void Job_Duration(string status, string expected)
    {
        Job("{}", status)[3].ShouldBe(expected);
    }

    [Fact]
    public void Job_Wide_ContainersImagesSelector()
    {
        Job("""{"selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"abc"}},"template":{"spec":{"containers":[{"name":"pi","image":"perl:5.34"}]}}}""", "{}")[5..]
            .ShouldBe(["pi", "perl:5.34", "batch.kubernetes.io/controller-uid=abc"]);
    }

    [Fact]
    public void CronJob_UnsetFields()
    {
        CellsJson(BuiltIn("batch", "cronjobs"), Parse("""
            {"metadata":{"name":"nightly","creationTimestamp":"2025-12-01T00:00:00Z"},
             "spec":{"schedule":"0 3 * * *","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"backup","image":"restic"}]}}}}},
             "status":{}}
            """)).ShouldBe("""["nightly","0 3 * * *","<none>","<unset>",0,"<none>","31d","backup","restic","<none>"]""");
    }

    [Fact]
    public void CronJob_SuspendFalseIsAStringCell()
    {
        var cells = Cells(BuiltIn("batch", "cronjobs"), Parse("""
            {"metadata":{"name":"c"},"spec":{"schedule":"@hourly","suspend":false,"timeZone":"Etc/UTC"},
             "status":{"active":[{"name":"a"},{"name":"b"}],"lastScheduleTime":"2025-12-31T23:00:00Z"}}
            """));
        cells[3].ValueKind.ShouldBe(System.Text.Json.JsonValueKind.String);
        cells[3].GetString().ShouldBe("False");
        cells[2].GetString().ShouldBe("Etc/UTC");
        cells[4].GetInt32().ShouldBe(2);
        cells[5].GetString().ShouldBe("60m");
    }
}
