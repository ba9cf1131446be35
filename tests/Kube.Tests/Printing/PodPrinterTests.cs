using Clusterpedia.Kube.Printing;
using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

public sealed class PodPrinterTests
{
    private static readonly ITablePrinter _printer = BuiltIn("", "pods");

    private const string _twoContainers = """{"containers":[{"name":"app","image":"nginx"},{"name":"log","image":"busybox"}]}""";

    private static string Cells(string spec, string status, string metadata = "") =>
        CellsJson(_printer, Parse($$"""
            {"metadata":{"name":"web-0","creationTimestamp":"2025-12-31T23:00:00Z"{{metadata}}},
             "spec":{{spec}},"status":{{status}}}
            """));

    /// <summary>Ready, Status and Restarts only.</summary>
    private static string Summary(string spec, string status, string metadata = "")
    {
        var cells = Parse(Cells(spec, status, metadata));
        return $"{cells[1].GetString()} {cells[2].GetString()} {cells[3].GetString()}";
    }

    [Fact]
    public void Columns_MatchKubeApiserver()
    {
        ColumnsText(_printer).ShouldBe(
            "Name:string:0|Ready:string:0|Status:string:0|Restarts:string:0|Age:string:0|IP:string:1|Node:string:1|Nominated Node:string:1|Readiness Gates:string:1");
        _printer.Columns[0].Format.ShouldBe("name");
        _printer.Columns.Skip(1).ShouldAllBe(c => c.Format == "");
    }

    [Fact]
    public void WriteCells_FixturePod_TerminatingWithInitRestarts()
    {
        // The sample is being deleted, its only init container failed (exit 1) and it restarted 5 times, last in 2006.
        CellsJson(_printer, Object("core.v1.Pod"))
            .ShouldBe("""["nameValue","0/1","Terminating","5 (20y ago)","18y","ipValue","nodeNameValue","nominatedNodeNameValue","0/1"]""");
    }

    [Fact]
    public void WriteCells_RunningPod_AllColumns()
    {
        Cells(_twoContainers, """
            {"phase":"Running","podIPs":[{"ip":"10.0.0.7"},{"ip":"fd00::7"}],
             "conditions":[{"type":"Ready","status":"True"}],
             "containerStatuses":[
               {"name":"app","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2025-12-31T23:00:05Z"}}},
               {"name":"log","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2025-12-31T23:00:05Z"}}}]}
            """).ShouldBe("""["web-0","2/2","Running","0","60m","10.0.0.7","<none>","<none>","<none>"]""");
    }

    [Fact]
    public void WriteCells_CrashLoopBackOff_ShowsReasonAndLastRestart()
    {
        Summary(_twoContainers, """
            {"phase":"Running","containerStatuses":[
              {"name":"app","ready":false,"restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
               "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2025-12-31T23:54:48Z"}}},
              {"name":"log","ready":true,"restartCount":0,"state":{"running":{}}}]}
            """).ShouldBe("1/2 CrashLoopBackOff 3 (5m12s ago)");
    }

    [Fact]
    public void WriteCells_FirstContainerReasonWins()
    {
        Summary(_twoContainers, """
            {"phase":"Running","containerStatuses":[
              {"name":"app","state":{"waiting":{"reason":"ImagePullBackOff"}}},
              {"name":"log","state":{"terminated":{"exitCode":137,"reason":"OOMKilled"}}}]}
            """).ShouldBe("0/2 ImagePullBackOff 0");
    }

    [Theory]
    [InlineData("""{"exitCode":0,"signal":9}""", "Signal:9")]
    [InlineData("""{"exitCode":2}""", "ExitCode:2")]
    [InlineData("""{"exitCode":0,"reason":"Completed"}""", "Completed")]
    public void WriteCells_TerminatedContainer_ReasonSignalOrExitCode(string terminated, string expected)
    {
        Summary("""{"containers":[{"name":"app"}]}""", """
            {"phase":"Failed","containerStatuses":[{"name":"app","state":{"terminated":%T%}}]}
            """.Replace("%T%", terminated, StringComparison.Ordinal)).ShouldBe($"0/1 {expected} 0");
    }

    [Fact]
    public void WriteCells_InitContainerPending_InitIndexOfTotal()
    {
        Summary("""{"initContainers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"app"}]}""", """
            {"phase":"Pending","initContainerStatuses":[
              {"name":"a","state":{"waiting":{"reason":"PodInitializing"}}},
              {"name":"b","state":{"waiting":{}}}],
             "containerStatuses":[{"name":"app","state":{"waiting":{"reason":"PodInitializing"}}}]}
            """).ShouldBe("0/1 Init:0/2 0");
    }

    [Fact]
    public void WriteCells_SecondInitContainerRunning_InitOneOfTwo()
    {
        Summary("""{"initContainers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"app"}]}""", """
            {"phase":"Pending","initContainerStatuses":[
              {"name":"a","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
              {"name":"b","state":{"running":{}}}]}
            """).ShouldBe("0/1 Init:1/2 0");
    }

    [Fact]
    public void WriteCells_InitContainerCrashLooping_InitCrashLoopBackOffWithRestarts()
    {
        Summary("""{"initContainers":[{"name":"migrate"}],"containers":[{"name":"app"}]}""", """
            {"phase":"Pending","initContainerStatuses":[
              {"name":"migrate","restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
               "lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-12-31T23:59:00Z"}}}],
             "containerStatuses":[{"name":"app","restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}
            """).ShouldBe("0/1 Init:CrashLoopBackOff 4 (60s ago)");
    }

    [Theory]
    [InlineData("""{"exitCode":1,"reason":"Error"}""", "Init:Error")]
    [InlineData("""{"exitCode":1,"signal":15}""", "Init:Signal:15")]
    [InlineData("""{"exitCode":3}""", "Init:ExitCode:3")]
    public void WriteCells_InitContainerFailed_InitReason(string terminated, string expected)
    {
        Summary("""{"initContainers":[{"name":"a"}],"containers":[{"name":"app"}]}""", """
            {"phase":"Pending","initContainerStatuses":[{"name":"a","state":{"terminated":%T%}}]}
            """.Replace("%T%", terminated, StringComparison.Ordinal)).ShouldBe($"0/1 {expected} 0");
    }

    [Fact]
    public void WriteCells_CompletedButSidecarRunning_RunningOrNotReady()
    {
        const string status = """
            {"phase":"Running",%CONDITIONS%"containerStatuses":[
              {"name":"job","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
              {"name":"proxy","ready":true,"state":{"running":{}}}]}
            """;
        const string spec = """{"containers":[{"name":"job"},{"name":"proxy"}]}""";
        Summary(spec, status.Replace("%CONDITIONS%", "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],", StringComparison.Ordinal))
            .ShouldBe("1/2 Running 0");
        Summary(spec, status.Replace("%CONDITIONS%", "\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}],", StringComparison.Ordinal))
            .ShouldBe("1/2 NotReady 0");
    }

    [Fact]
    public void WriteCells_RestartableInitContainer_CountsInReadyAndRestarts()
    {
        // A sidecar (restartPolicy Always) adds to the denominator, and its restarts keep counting after init.
        Cells("""{"initContainers":[{"name":"setup"},{"name":"mesh","restartPolicy":"Always"}],"containers":[{"name":"app"}]}""", """
            {"phase":"Running","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"}],
             "initContainerStatuses":[
               {"name":"setup","restartCount":7,"state":{"terminated":{"exitCode":0,"reason":"Completed"}},
                "lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-12-31T23:58:00Z"}}},
               {"name":"mesh","restartCount":2,"started":true,"ready":true,"state":{"running":{}},
                "lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-12-31T23:30:00Z"}}}],
             "containerStatuses":[
               {"name":"app","restartCount":1,"ready":true,"state":{"running":{}},
                "lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-12-31T23:50:00Z"}}}]}
            """).ShouldBe("""["web-0","2/2","Running","3 (10m ago)","60m","<none>","<none>","<none>","<none>"]""");
    }

    [Fact]
    public void WriteCells_SidecarNotStarted_StillInitializing()
    {
        Summary("""{"initContainers":[{"name":"mesh","restartPolicy":"Always"}],"containers":[{"name":"app"}]}""", """
            {"phase":"Pending","initContainerStatuses":[{"name":"mesh","started":false,"state":{"running":{}}}],
             "containerStatuses":[{"name":"app","state":{"waiting":{"reason":"PodInitializing"}}}]}
            """).ShouldBe("0/2 Init:0/1 0");
    }

    [Fact]
    public void WriteCells_Deleting_Terminating()
    {
        Summary(_twoContainers, """{"phase":"Running"}""", ""","deletionTimestamp":"2025-12-31T23:59:00Z" """)
            .ShouldBe("0/2 Terminating 0");
    }

    [Fact]
    public void WriteCells_DeletingFinishedPod_KeepsReason()
    {
        Summary("""{"containers":[{"name":"app"}]}""", """
            {"phase":"Succeeded","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}
            """, ""","deletionTimestamp":"2025-12-31T23:59:00Z" """).ShouldBe("0/1 Completed 0");
    }

    [Fact]
    public void WriteCells_NodeLostWhileDeleting_Unknown()
    {
        Summary(_twoContainers, """{"phase":"Running","reason":"NodeLost"}""", ""","deletionTimestamp":"2025-12-31T23:59:00Z" """)
            .ShouldBe("0/2 Unknown 0");
    }

    [Fact]
    public void WriteCells_StatusReasonAndSchedulingGate()
    {
        Summary(_twoContainers, """{"phase":"Failed","reason":"Evicted"}""").ShouldBe("0/2 Evicted 0");
        Summary(_twoContainers, """{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}""")
            .ShouldBe("0/2 SchedulingGated 0");
    }

    [Fact]
    public void WriteCells_ReadinessGates_CountsTrueConditions()
    {
        var cells = Parse(Cells("""{"containers":[{"name":"app"}],"readinessGates":[{"conditionType":"a"},{"conditionType":"b"}]}""", """
            {"phase":"Running","conditions":[{"type":"a","status":"True"},{"type":"b","status":"False"},{"type":"b","status":"True"}]}
            """));
        cells[8].GetString().ShouldBe("1/2");
    }

    [Fact]
    public void WriteCells_NoCreationTimestamp_AgeUnknown()
    {
        var cells = PrintingFixtures.Cells(_printer, Parse("""{"metadata":{"name":"x"},"spec":{},"status":{}}"""));
        cells[4].GetString().ShouldBe("<unknown>");
        cells[1].GetString().ShouldBe("0/0");
    }

    [Theory]
    [InlineData("Succeeded", """{"conditions":[{"type":"Completed","status":"True","reason":"Succeeded","message":"The pod has completed successfully."}]}""")]
    [InlineData("Failed", """{"conditions":[{"type":"Completed","status":"True","reason":"Failed","message":"The pod failed."}]}""")]
    [InlineData("Running", "{}")]
    public void WriteRowConditions_FinishedPods_Completed(string phase, string expected)
    {
        RowConditionsJson(_printer, Parse("""{"metadata":{"name":"x"},"status":{"phase":"%P%"}}""".Replace("%P%", phase, StringComparison.Ordinal)))
            .ShouldBe(expected);
    }
}
