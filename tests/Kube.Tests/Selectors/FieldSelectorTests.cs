using System.Text.Json;
using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.Kube.Tests.Selectors;

public sealed class FieldSelectorTests
{
    public static TheoryData<string, string> ValidSelectors => new()
    {
        { "", "" },
        { "metadata.name=foo", "metadata.name=foo" },
        { "metadata.name==foo", "metadata.name==foo" },
        { "status.phase!=Running", "status.phase!=Running" },
        { "spec.nodeName=", "spec.nodeName=" },
        { "b=1,a=2", "a=2,b=1" },
        { "a=b,,c=d,", "a=b,c=d" },
        { "metadata.name=foo\\,bar", "metadata.name=foo\\,bar" },
        { "metadata.name=a\\=b\\\\c", "metadata.name=a\\=b\\\\c" },
        { "metadata.name=!x", "metadata.name=!x" },
        { "spec.nodeName", "spec.nodeName" },
        { "!spec.nodeName", "!spec.nodeName" },
        { "status.phase in (Running, Pending)", "status.phase in (Pending,Running)" },
        { "status.phase notin (Failed)", "status.phase notin (Failed)" },
        { "status.phase in(Running)", "status.phase in (Running)" },
        { "metadata.annotations['a.b/c']=x", "metadata.annotations['a.b/c']=x" },
        { "metadata.labels[\"app\"]=web", "metadata.labels.app=web" },
        { "status[\"phase\"]=Running", "status.phase=Running" },
        { "metadata.labels['app.kubernetes.io/name'] in (web,api)", "metadata.labels['app.kubernetes.io/name'] in (api,web)" },
        { "!metadata.annotations['x,y']", "!metadata.annotations['x,y']" },
        { " spec.nodeName = node-1", "spec.nodeName= node-1" },
    };

    public static TheoryData<string, string> InvalidSelectors => new()
    {
        { "metadata.name", "" },
        { "foo", "" },
        { "a=b=c", "invalid field selector: unescaped character in value: 61" },
        { "a=b\\x", "invalid field selector: invalid escape sequence: \\x" },
        { "a=b\\", "invalid field selector: invalid escape sequence: \\" },
        { "=x", "invalid selector: '=x'; can't understand '=x': invalid field path: found '=', expected: field path" },
        { "a b", "invalid selector: 'a b'; can't understand 'a b'" },
        { "!a=b", "invalid selector: '!a=b'; can't understand '!a=b'" },
        { "a in b", "invalid selector: 'a in b'; found 'b' expected: '('" },
        { "a in (b", "invalid selector: 'a in (b'; found '', expected: ',' or ')'" },
        { "a in ()", "invalid selector: 'a in ()'; for 'in', 'notin' operators, values set can't be empty" },
        { "a in (b) c", "invalid selector: 'a in (b) c'; found 'c', expected: ',' or 'end of string'" },
        { "a..b=c", "invalid selector: 'a..b=c'; can't understand 'a..b=c': invalid field path 'a..b=c': empty segment at position 2" },
        { "a.=c", "invalid selector: 'a.=c'; can't understand 'a.=c': invalid field path 'a.': ends with '.'" },
        { "a['b=c", "invalid selector: 'a['b=c'; can't understand 'a['b=c': invalid field path '['b=c': unterminated ['...']" },
        { "a[]=c", "invalid selector: 'a[]=c'; can't understand 'a[]=c': invalid field path '[]=c': empty key in brackets" },
    };

    [Theory]
    [MemberData(nameof(ValidSelectors))]
    public void Parse_ValidSelector_RoundTrips(string text, string canonical)
    {
        var selector = FieldSelector.Parse(text);

        selector.ToString().ShouldBe(canonical);
        FieldSelector.Parse(selector.ToString()).ToString().ShouldBe(canonical);
    }

    [Theory]
    [MemberData(nameof(InvalidSelectors))]
    public void Parse_InvalidSelector_Throws(string text, string message)
    {
        if (message.Length == 0)
        {
            // Exists terms are our extension: valid, not an error.
            FieldSelector.Parse(text).Requirements.Single().Operator.ShouldBe(SelectorOperator.Exists);
            return;
        }

        Should.Throw<SelectorParseException>(() => FieldSelector.Parse(text)).Message.ShouldBe(message);
        FieldSelector.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldBe(message);
    }

    [Fact]
    public void Parse_KubernetesTerms_ExposeUnescapedValues()
    {
        var selector = FieldSelector.Parse("spec.nodeName!=n\\,1,metadata.namespace==default");

        selector.Requirements.ShouldBe(
        [
            new FieldRequirement(FieldPath.Parse("metadata.namespace"), SelectorOperator.DoubleEquals, ["default"]),
            new FieldRequirement(new FieldPath(["spec", "nodeName"]), SelectorOperator.NotEquals, ["n,1"]),
        ]);
    }

    [Theory]
    [InlineData("spec.nodeName", new[] { "spec", "nodeName" })]
    [InlineData("metadata.annotations['a.b/c']", new[] { "metadata", "annotations", "a.b/c" })]
    [InlineData("metadata.labels[\"app\"]", new[] { "metadata", "labels", "app" })]
    [InlineData("status[\"phase\"]", new[] { "status", "phase" })]
    [InlineData("a[b].c", new[] { "a", "b", "c" })]
    public void FieldPath_Parse_SplitsSegments(string text, string[] segments)
    {
        FieldPath.Parse(text).Segments.ShouldBe(segments);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("a b")]
    [InlineData("a['b'")]
    public void FieldPath_Parse_Invalid_Throws(string text)
    {
        Should.Throw<SelectorParseException>(() => FieldPath.Parse(text));
    }

    [Theory]
    [InlineData("status.phase=Running", true)]
    [InlineData("status.phase!=Running", false)]
    [InlineData("status.phase in (Pending,Running)", true)]
    [InlineData("status.phase notin (Running)", false)]
    [InlineData("spec.nodeName", false)]
    [InlineData("!spec.nodeName", true)]
    [InlineData("spec.nodeName!=n1", true)]
    [InlineData("spec.nodeName=n1", false)]
    [InlineData("metadata.annotations['a.b/c']=x", true)]
    [InlineData("metadata.labels['app']", true)]
    [InlineData("spec.replicas=3", true)]
    [InlineData("spec.paused=false", true)]
    [InlineData("metadata.name=web,status.phase=Running", true)]
    [InlineData("metadata.name=api,status.phase=Running", false)]
    public void Matches_Object_EvaluatesPaths(string selector, bool expected)
    {
        using var doc = JsonDocument.Parse(
            """
            {"metadata":{"name":"web","labels":{"app":"web"},"annotations":{"a.b/c":"x"}},
             "spec":{"replicas":3,"paused":false,"nodeName":null},"status":{"phase":"Running"}}
            """);

        FieldSelector.Parse(selector).Matches(doc.RootElement).ShouldBe(expected);
    }
}
