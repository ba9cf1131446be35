using System.Text;
using Clusterpedia.Storage.Engine;

namespace Clusterpedia.Storage.Tests;

/// <summary>
/// The labels and phase the PostgreSQL upsert writes beside the object: what <c>object -&gt; 'metadata' -&gt; 'labels'</c>
/// and <c>object -&gt; 'status' -&gt;&gt; 'phase'</c> gave when they were generated columns.
/// </summary>
public sealed class StoredColumnsTests
{
    [Theory]
    [InlineData("""{"metadata":{"name":"a","labels":{"app":"web","tier":"x"}},"status":{"phase":"Running"}}""", """{"app":"web","tier":"x"}""", "Running")]
    [InlineData("""{"status":{"conditions":[{"phase":"no"}],"phase":"Pending"},"metadata":{"labels":{}}}""", "{}", "Pending")]
    [InlineData("""{"metadata":{"name":"a"},"spec":{"labels":{"app":"web"},"phase":"no"}}""", null, null)]
    [InlineData("""{"metadata":{"labels":null},"status":{"phase":null}}""", "null", null)]
    [InlineData("""{"metadata":{"labels":{"a":"1"}},"metadata":{"name":"b"}}""", null, null)]
    [InlineData("""{"metadata":{"labels":{"a":"1"},"labels":{"a":"2"}}}""", """{"a":"2"}""", null)]
    [InlineData("""{"status":{"phase":"P\u00e9nding \"x\""}}""", null, "Pénding \"x\"")]
    [InlineData("""{"status":{"phase":3}}""", null, "3")]
    [InlineData("""{"status":{"phase":{"a":[1,2]}}}""", null, """{"a":[1,2]}""")]
    [InlineData("""{"metadata":"labels","status":["phase"]}""", null, null)]
    [InlineData(""" { "metadata" : { "labels" : { "app" : "web" } } } """, """{ "app" : "web" }""", null)]
    [InlineData("[1,2]", null, null)]
    [InlineData("{\"metadata\":{\"labels\":{\"a\":", null, null)]
    [InlineData("", null, null)]
    public void Read_Object_LabelsAndPhaseAsPostgresOperatorsGiveThem(string json, string? labels, string? phase)
    {
        var (readLabels, readPhase) = StoredColumns.Read(Encoding.UTF8.GetBytes(json));

        readLabels.ShouldBe(labels);
        readPhase.ShouldBe(phase);
    }
}
