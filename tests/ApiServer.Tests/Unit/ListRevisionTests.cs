using Clusterpedia.ApiServer.Http;
using Clusterpedia.ApiServer.Search;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Clusterpedia.ApiServer.Tests.Unit;

public sealed class ListRevisionTests
{
    [Theory]
    [InlineData("", "", null)]
    [InlineData("0", "", null)]
    [InlineData("0", "NotOlderThan", null)]
    [InlineData("42", "", 42L)]
    [InlineData("42", "NotOlderThan", 42L)]
    [InlineData("42", "Exact", 42L)]
    public void Parse_ValidResourceVersion_TheFloorRevision(string resourceVersion, string match, long? expected)
    {
        ListRevision.Parse(Query(resourceVersion, match)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("abc", "", "resourceVersion")]
    [InlineData("-1", "", "resourceVersion")]
    [InlineData("42", "Newest", "resourceVersionMatch")]
    [InlineData("", "NotOlderThan", "resourceVersionMatch")]
    [InlineData("0", "Exact", "resourceVersionMatch")]
    public void Parse_BadValue_BadRequestNamingTheField(string resourceVersion, string match, string field)
    {
        var e = Should.Throw<ApiException>(() => ListRevision.Parse(Query(resourceVersion, match)));

        e.Code.ShouldBe(400);
        e.Message.ShouldStartWith(field + ":");
    }

    private static QueryCollection Query(string resourceVersion, string match)
    {
        var values = new Dictionary<string, StringValues>();
        if (resourceVersion.Length > 0)
        {
            values["resourceVersion"] = resourceVersion;
        }

        if (match.Length > 0)
        {
            values["resourceVersionMatch"] = match;
        }

        return new QueryCollection(values);
    }
}
