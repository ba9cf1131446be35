using System.Text;
using Clusterpedia.ApiServer.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.ApiServer.Tests.Configuration;

/// <summary>
/// The known keys come from the options the server registers (no list to keep up to date), and the checker's
/// verdicts on the shapes configuration can take.
/// </summary>
public sealed class ConfigSchemaTests
{
    [Fact]
    public void FromServices_ServerRegistrations_KnowsEverySectionAndKey()
    {
        var (builder, _) = ServerApp.CreateBuilder([]);

        var schema = ConfigSchema.FromServices(builder.Services);

        Key(schema, "Storage:Engine").Kind.ShouldBe(ConfigShapeKind.Scalar);
        Key(schema, "Storage:Collections").Kind.ShouldBe(ConfigShapeKind.Map);
        Key(schema, "Synchro:PageSize").ScalarType.ShouldBe(typeof(int));
        Key(schema, "Synchro:HostKubeconfig").ScalarType.ShouldBe(typeof(string));
        Key(schema, "Synchro:AllowedTargets").Kind.ShouldBe(ConfigShapeKind.List);
        Key(schema, "Encryption:Keys").Kind.ShouldBe(ConfigShapeKind.List);
        Key(schema, "Limits:MaxBodyDepth").ScalarType.ShouldBe(typeof(int));
        Key(schema, "Limits:Query:MaxLimit").ScalarType.ShouldBe(typeof(int));
        Key(schema, "Security:TokenReviewCacheTtl").ScalarType.ShouldBe(typeof(TimeSpan));
        Key(schema, "Security:PerUserResults:Enabled").ScalarType.ShouldBe(typeof(bool));
        Key(schema, "Roles:Synchro").ScalarType.ShouldBe(typeof(bool));
        schema.Root.Find("Synchro")!.Shape.Find("Enabled").ShouldBeNull("a computed get-only property is never bound");
        schema.Root.Find("Logging").ShouldBeNull("the framework's sections are the framework's");
    }

    [Fact]
    public void CreateBuilder_NewlyBoundSection_IsCheckedWithoutEditingAList()
    {
        static void Bind(WebApplicationBuilder b) => b.Services.AddOptions<SampleSectionOptions>().Bind(b.Configuration.GetSection("Sample"));

        Should.NotThrow(() => ServerApp.CreateBuilder(["--Sample:ServiceName", "svc", "--Sample:Interval", "00:00:09"], Bind));
        var unknown = Should.Throw<InvalidConfigurationException>(() => ServerApp.CreateBuilder(["--Sample:ServiceNme", "svc"], Bind));
        unknown.Message.ShouldContain("command line: --Sample:ServiceNme is not a known key; known keys of Sample: ServiceName, Interval");
        var wrongType = Should.Throw<InvalidConfigurationException>(() => ServerApp.CreateBuilder(["--Sample:Interval", "5s"], Bind));
        wrongType.Message.ShouldContain("command line: --Sample:Interval: \"5s\" is not a duration");
    }

    [Theory]
    [InlineData("""{"Synchro":{"AllowedTargets":["10.0.0.0/8"]},"Storage":{"Collections":{"apps":["apps"]}}}""", null)]
    [InlineData("""{"Synchro":{"AllowedTargets":{"first":"10.0.0.0/8"}}}""", "Synchro:AllowedTargets:first: a list's items are numbered 0, 1, 2...")]
    [InlineData("""{"Storage":{"Collections":"apps"}}""", "Storage:Collections is a map of list of string; give it as a JSON object")]
    [InlineData("""{"Storage":{"Collections":{"apps":[{"group":"apps"}]}}}""", "Storage:Collections:apps:0 is a value (string), not a section")]
    [InlineData("""{"Limits":5}""", "Limits is a section with the keys MaxRequestBodyBytes,")]
    [InlineData("""{"Limits":{"Query":{"MaxLimt":5}}}""", "Limits:Query:MaxLimt is not a known key; known keys of Limits:Query: MaxSelectorRequirements,")]
    [InlineData("""{"Synchro":{"HostKubeconfig":null,"PageSize":null},"Logging":{"Anything":{"Goes":1}},"Kestrel":{}}""", null)]
    [InlineData("""{"Storage":{"Engine":"oracle"}}""", "Storage:Engine: \"oracle\" is not one of sqlite, postgres, mysql, postgresql, mariadb")]
    [InlineData("""{"Storage":{"Engine":"PostgreSQL"}}""", null)]
    [InlineData("""{"Security":{"PerUserResults":{"RefreshInterval":""}}}""", "Security:PerUserResults:RefreshInterval: \"\" is not a duration")]
    public void Check_ShapesOfClusterpediaConfig_ReportedWithTheKey(string json, string? expected)
    {
        var (builder, _) = ServerApp.CreateBuilder([]);
        var schema = ConfigSchema.FromServices(builder.Services);
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

        var errors = ConfigurationChecker.Check(configuration, schema);

        if (expected is null)
        {
            errors.ShouldBeEmpty();
        }
        else
        {
            errors.ShouldHaveSingleItem().ShouldStartWith("CLUSTERPEDIA_CONFIG: " + expected);
        }
    }

    private static ConfigShape Key(ConfigSchema schema, string path)
    {
        var shape = schema.Root;
        foreach (var segment in path.Split(':'))
        {
            var member = shape.Find(segment);
            member.ShouldNotBeNull($"{path}: no {segment}");
            shape = member.Shape;
        }

        return shape;
    }
}
