using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Clusterpedia.KubeSim.Tests.Aggregation;

/// <summary>APIService objects are validated as kube-aggregator validates them: 422 naming the field.</summary>
public sealed class ApiServiceValidationTests
{
    [Theory]
    [InlineData("""{"metadata":{"name":"v1.wrong.com"},"spec":{"group":"example.com","version":"v1","groupPriorityMinimum":1000,"versionPriority":15}}""",
        "metadata.name: Invalid value: \"v1.wrong.com\": must be `spec.version+\".\"+spec.group`: \"v1.example.com\"")]
    [InlineData("""{"metadata":{"name":"v1.example.com"},"spec":{"group":"example.com","version":"v1","versionPriority":15}}""",
        "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000")]
    [InlineData("""{"metadata":{"name":"v1.example.com"},"spec":{"group":"example.com","version":"v1","groupPriorityMinimum":1000,"versionPriority":1001}}""",
        "spec.versionPriority: Invalid value: 1001: must be positive and less than 1000")]
    [InlineData("""{"metadata":{"name":"v1.example.com"},"spec":{"group":"example.com","version":"v1","groupPriorityMinimum":1000,"versionPriority":15,"caBundle":"Zm9v"}}""",
        "spec.caBundle: Invalid value: \"3 bytes\": local APIServices may not have a caBundle")]
    [InlineData("""{"metadata":{"name":"v1.example.com"},"spec":{"group":"example.com","version":"v1","groupPriorityMinimum":1000,"versionPriority":15,"service":{"namespace":"ns"}}}""",
        "spec.service.name: Required value")]
    [InlineData("""{"metadata":{"name":"v1.example.com"},"spec":{"group":"example.com","version":"v1","groupPriorityMinimum":1000,"versionPriority":15,"insecureSkipTLSVerify":true,"caBundle":"Zm9v","service":{"namespace":"ns","name":"api"}}}""",
        "spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present")]
    [InlineData("""{"metadata":{"name":"v1.example.com"},"spec":{"group":"example.com","version":"v1","groupPriorityMinimum":1000,"versionPriority":15,"caBundle":"not base64!","service":{"namespace":"ns","name":"api"}}}""",
        "spec.caBundle: Invalid value: must be base64-encoded PEM")]
    public async Task Create_InvalidApiService_422NamingTheField(string body, string problem)
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 0 });
        using var http = new HttpClient { BaseAddress = cluster.Url };

        using var response = await http.PostAsync(
            "/apis/apiregistration.k8s.io/v1/apiservices", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        status["reason"]!.GetValue<string>().ShouldBe("Invalid");
        status["message"]!.GetValue<string>().ShouldEndWith(problem);
    }

    [Fact]
    public async Task Update_PriorityOutOfRange_422()
    {
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Port = 0, Namespaces = 0 });
        cluster.Store.Create(AggregatedPair.ApiServices, null, AggregatedPair.ApiService("v1.example.com", "example.com", "v1", "ns", "api", null));

        var error = Should.Throw<SimulatorApiException>(() => cluster.Store.Update(AggregatedPair.ApiServices, null, "v1.example.com", obj =>
        {
            obj["spec"]!["groupPriorityMinimum"] = 20001;
            return obj;
        }));

        error.Code.ShouldBe(422);
        error.Message.ShouldEndWith("spec.groupPriorityMinimum: Invalid value: 20001: must be positive and less than 20000");
    }
}
