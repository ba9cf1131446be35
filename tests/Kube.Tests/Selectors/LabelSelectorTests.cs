using Clusterpedia.Kube.Selectors;

namespace Clusterpedia.Kube.Tests.Selectors;

public sealed class LabelSelectorTests
{
    private const string _nameRegexError =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string _valueRegexError =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
        + "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private const string _subdomainError =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
        + "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private static readonly string _long63 = new('a', 63);
    private static readonly string _long64 = new('a', 64);

    public static TheoryData<string, string> ValidSelectors => new()
    {
        { "", "" },
        { "   ", "" },
        { "x", "x" },
        { "!x", "!x" },
        { "! x", "!x" },
        { "x=a", "x=a" },
        { "x==a", "x==a" },
        { "x!=a", "x!=a" },
        { "x=", "x=" },
        { "x!=", "x!=" },
        { "x in (a,b)", "x in (a,b)" },
        { "x notin (b,a)", "x notin (a,b)" },
        { "x in (a,a)", "x in (a)" },
        { "x in ()", "x in ()" },
        { "x in (a,)", "x in (,a)" },
        { "x in (,a)", "x in (,a)" },
        { "x in (a,,b)", "x in (,a,b)" },
        { "x in(a)", "x in (a)" },
        { "  x  =  a  ", "x=a" },
        { "x=a\t,\ny", "x=a,y" },
        { "b=1,a=2", "a=2,b=1" },
        { "x,y,!z", "x,y,!z" },
        { "example.com/app=web", "example.com/app=web" },
        { "app.kubernetes.io/name in (web, api)", "app.kubernetes.io/name in (api,web)" },
        { "x>1", "x>1" },
        { "x<10", "x<10" },
        { "x>007", "x>007" },
        { "in in (in)", "in in (in)" },
        { "notin=notin", "notin=notin" },
        { "x=in", "x=in" },
        { "a-b_c.d=E-f_g.h", "a-b_c.d=E-f_g.h" },
        { "A1=Z9", "A1=Z9" },
        { _long63 + "=" + _long63, _long63 + "=" + _long63 },
        { "x=a,x=b", "x=a,x=b" },
        { "environment in (production, qa),tier notin (frontend)", "environment in (production,qa),tier notin (frontend)" },
    };

    public static TheoryData<string, string> InvalidSelectors => new()
    {
        { "x=a b", "found 'b', expected: ',' or 'end of string'" },
        { "x=a=b", "found '=', expected: ',' or 'end of string'" },
        { "x>1>2", "found '>', expected: ',' or 'end of string'" },
        { "!x=a", "found '=', expected: ',' or 'end of string'" },
        { "(x)", "found '(', expected: !, identifier, or 'end of string'" },
        { ",x", "found ',', expected: !, identifier, or 'end of string'" },
        { "=a", "found '=', expected: !, identifier, or 'end of string'" },
        { "x,", "found '', expected: identifier after ','" },
        { "x=a,,y", "found ',', expected: identifier after ','" },
        { "!", "unable to parse requirement: found '', expected: identifier" },
        { "!!x", "unable to parse requirement: found '!', expected: identifier" },
        { "x y", "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt" },
        { "x ! y", "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt" },
        { "x IN (a)", "unable to parse requirement: found 'IN', expected: in, notin, =, ==, !=, gt, lt" },
        { "x in a", "unable to parse requirement: found 'a' expected: '('" },
        { "x notin", "unable to parse requirement: found '' expected: '('" },
        { "x in (a", "unable to parse requirement: found '', expected: ',' or ')'" },
        { "x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'" },
        { "x in ((a))", "unable to parse requirement: found '(', expected: ',', ')' or identifier" },
        { "x in (a,(b))", "unable to parse requirement: found '(', expected: ',', or identifier" },
        { "x==(a)", "unable to parse requirement: found '(', expected: identifier" },
        { "x>a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer" },
        { "x<", "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer" },
        { "x>-1", "unable to parse requirement: values[0][x]: Invalid value: \"-1\": " + _valueRegexError },
        {
            "x>a.",
            "unable to parse requirement: [values[0]: Invalid value: \"a.\": for 'Gt', 'Lt' operators, the value must be an integer, "
            + "values[0][x]: Invalid value: \"a.\": " + _valueRegexError + "]"
        },
        { "x=-a", "unable to parse requirement: values[0][x]: Invalid value: \"-a\": " + _valueRegexError },
        { "x=ü", "unable to parse requirement: values[0][x]: Invalid value: \"ü\": " + _valueRegexError },
        { "x in (a,-b)", "unable to parse requirement: values[0][x]: Invalid value: \"-b\": " + _valueRegexError },
        { "x=" + _long64, $"unable to parse requirement: values[0][x]: Invalid value: \"{_long64}\": must be no more than 63 characters" },
        { "-x=a", "unable to parse requirement: <nil>: Invalid value: \"-x\": name part " + _nameRegexError },
        { "x_=a", "unable to parse requirement: <nil>: Invalid value: \"x_\": name part " + _nameRegexError },
        { "ü", "unable to parse requirement: <nil>: Invalid value: \"ü\": name part " + _nameRegexError },
        { _long64, $"unable to parse requirement: <nil>: Invalid value: \"{_long64}\": name part must be no more than 63 characters" },
        {
            "a/b/c=d",
            "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name " + _nameRegexError
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        },
        { "/a=b", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty" },
        { "Example.com/a=b", "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part " + _subdomainError },
        { "example..com/a", "unable to parse requirement: <nil>: Invalid value: \"example..com/a\": prefix part " + _subdomainError },
        {
            "example.com/=b",
            "unable to parse requirement: <nil>: Invalid value: \"example.com/\": name part must be non-empty; name part " + _nameRegexError
        },
        { "!-x", "unable to parse requirement: <nil>: Invalid value: \"-x\": name part " + _nameRegexError },
    };

    [Theory]
    [MemberData(nameof(ValidSelectors))]
    public void Parse_ValidSelector_RoundTripsToCanonicalForm(string text, string canonical)
    {
        var selector = LabelSelector.Parse(text);

        selector.ToString().ShouldBe(canonical);
        LabelSelector.Parse(selector.ToString()).ToString().ShouldBe(canonical);
        selector.IsEmpty.ShouldBe(canonical.Length == 0);
    }

    [Theory]
    [MemberData(nameof(InvalidSelectors))]
    public void Parse_InvalidSelector_ThrowsWithApiserverMessage(string text, string message)
    {
        var exception = Should.Throw<SelectorParseException>(() => LabelSelector.Parse(text));

        exception.Message.ShouldBe(message);
        LabelSelector.TryParse(text, out var selector, out var error).ShouldBeFalse();
        error.ShouldBe(message);
        selector.ShouldBeSameAs(LabelSelector.Everything);
    }

    [Fact]
    public void Parse_Null_IsEverything()
    {
        LabelSelector.Parse(null).ShouldBeSameAs(LabelSelector.Everything);
        LabelSelector.Everything.Matches(new Dictionary<string, string>()).ShouldBeTrue();
    }

    [Fact]
    public void Parse_SetBased_ExposesOperatorAndSortedValues()
    {
        var selector = LabelSelector.Parse("tier notin (web,api),!legacy,env=prod,replicas>2");

        selector.Requirements.ShouldBe(
        [
            new LabelRequirement("env", SelectorOperator.Equals, ["prod"]),
            new LabelRequirement("legacy", SelectorOperator.DoesNotExist, []),
            new LabelRequirement("replicas", SelectorOperator.GreaterThan, ["2"]),
            new LabelRequirement("tier", SelectorOperator.NotIn, ["api", "web"]),
        ]);
    }

    [Theory]
    [InlineData("x=a", "x:a", true)]
    [InlineData("x=a", "x:b", false)]
    [InlineData("x=a", "", false)]
    [InlineData("x==a", "x:a", true)]
    [InlineData("x!=a", "", true)]
    [InlineData("x!=a", "x:a", false)]
    [InlineData("x!=a", "x:b", true)]
    [InlineData("x in (a,b)", "x:b", true)]
    [InlineData("x in (a,b)", "x:c", false)]
    [InlineData("x in (a,b)", "", false)]
    [InlineData("x notin (a)", "", true)]
    [InlineData("x notin (a)", "x:a", false)]
    [InlineData("x notin (a)", "x:b", true)]
    [InlineData("x", "x:", true)]
    [InlineData("x", "y:x", false)]
    [InlineData("!x", "", true)]
    [InlineData("!x", "x:a", false)]
    [InlineData("x=", "x:", true)]
    [InlineData("x=", "", false)]
    [InlineData("x in ()", "x:", true)]
    [InlineData("x>5", "x:6", true)]
    [InlineData("x>5", "x:5", false)]
    [InlineData("x>5", "x:abc", false)]
    [InlineData("x>5", "", false)]
    [InlineData("x<5", "x:-1", true)]
    [InlineData("x<5", "x:5", false)]
    [InlineData("a=1,b=2", "a:1,b:2", true)]
    [InlineData("a=1,b=2", "a:1,b:3", false)]
    [InlineData("a=1,!b", "a:1", true)]
    public void Matches_Labels_FollowsKubernetesSemantics(string selector, string labels, bool expected)
    {
        var set = labels.Length == 0
            ? new Dictionary<string, string>()
            : labels.Split(',').Select(p => p.Split(':')).ToDictionary(p => p[0], p => p[1]);

        LabelSelector.Parse(selector).Matches(set).ShouldBe(expected);
    }

    [Fact]
    public void Create_InvalidRequirement_ThrowsLikeNewRequirement()
    {
        Should.Throw<SelectorParseException>(() => LabelRequirement.Create("x", SelectorOperator.In, []))
            .Message.ShouldBe("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
        Should.Throw<SelectorParseException>(() => LabelRequirement.Create("x", SelectorOperator.Equals, ["a", "b"]))
            .Message.ShouldBe("values: Invalid value: []string{\"a\", \"b\"}: exact-match compatibility requires one single value");
        Should.Throw<SelectorParseException>(() => LabelRequirement.Create("-x", SelectorOperator.Exists, []))
            .Message.ShouldBe("key: Invalid value: \"-x\": name part " + _nameRegexError);

        LabelRequirement.Create("x", SelectorOperator.NotIn, ["b", "a", "b"]).Values.ShouldBe(["a", "b"]);
    }

    [Fact]
    public void FromRequirements_SortsByKey()
    {
        var selector = LabelSelector.FromRequirements(
        [
            LabelRequirement.Create("b", SelectorOperator.Exists, []),
            LabelRequirement.Create("a", SelectorOperator.Equals, ["1"]),
        ]);

        selector.ToString().ShouldBe("a=1,b");
        LabelSelector.FromRequirements([]).ShouldBeSameAs(LabelSelector.Everything);
    }
}
