using System.Text;
using Clusterpedia.Bench.EndToEnd;

namespace Clusterpedia.Clients.Tests;

/// <summary>S4's watcher: which watch event lines carry this run's sequence, in the server's form and in any other.</summary>
public sealed class ChurnWatchReaderTests
{
    private const string _run = "ab12cd34";

    [Fact]
    public void Sequence_ServerForm_Found()
    {
        Sequence(Event("""{"bench.clusterpedia.io/seq":"ab12cd34-4711","other":"x"}""")).ShouldBe(4711);
    }

    [Fact]
    public void Sequence_OtherSpacingOrEscapes_FoundAsJson()
    {
        Sequence(Event("""{ "bench.clusterpedia.io/seq" : "ab12cd34-7" }""")).ShouldBe(7);
        Sequence(Event("""{"bench.clusterpedia.io\/seq":"ab12cd34-8"}""")).ShouldBe(8);
    }

    [Fact]
    public void Sequence_OtherRunOrNoStamp_None()
    {
        Sequence(Event("""{"bench.clusterpedia.io/seq":"ffffffff-3"}""")).ShouldBeNull();
        Sequence(Event("""{"app":"web"}""")).ShouldBeNull();
        Sequence(Encoding.UTF8.GetBytes("""{"type":"MODIFIED","object":{"metadata":{"name":"p"}}}""")).ShouldBeNull();
    }

    [Fact]
    public void Sequence_StampOutsideTheAnnotations_None()
    {
        // The last-applied annotation holds the stamp inside a string (escaped quotes); a label is not the annotation.
        Sequence(Event("""{"kubectl.kubernetes.io/last-applied-configuration":"{\"bench.clusterpedia.io/seq\":\"ab12cd34-5\"}"}""")).ShouldBeNull();
        Sequence(Encoding.UTF8.GetBytes("""{"type":"MODIFIED","object":{"metadata":{"labels":{"run":"ab12cd34-5"}}}}""")).ShouldBeNull();
    }

    [Fact]
    public async Task ReadAsync_LinesSplitAcrossReads_EachSequenceOnce()
    {
        var lines = string.Concat(Enumerable.Range(0, 300).Select(i =>
            Encoding.UTF8.GetString(Event($$"""{"bench.clusterpedia.io/seq":"ab12cd34-{{i}}","pad":"{{new string('p', 900)}}"}""")) + "\n"));
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(lines));
        var seen = new List<int>();

        await ChurnWatchReader.ReadAsync(stream, _run, (seq, _) => seen.Add(seq), CancellationToken.None);

        seen.ShouldBe(Enumerable.Range(0, 300));
    }

    private static byte[] Event(string annotations) =>
        Encoding.UTF8.GetBytes("""{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"p","annotations":""" + annotations + """},"spec":{}}}""");

    private static int? Sequence(byte[] line) => ChurnWatchReader.Sequence(line, _run);
}
