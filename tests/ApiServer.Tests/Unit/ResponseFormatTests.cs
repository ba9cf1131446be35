using Clusterpedia.ApiServer.Http;

namespace Clusterpedia.ApiServer.Tests.Unit;

public sealed class ResponseFormatTests
{
    [Theory]
    [InlineData(null, ResponseKind.Object, "v1")]
    [InlineData("", ResponseKind.Object, "v1")]
    [InlineData("application/json", ResponseKind.Object, "v1")]
    [InlineData("*/*", ResponseKind.Object, "v1")]
    [InlineData("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json", ResponseKind.Table, "v1")]
    [InlineData("application/json;as=Table;v=v1beta1;g=meta.k8s.io", ResponseKind.Table, "v1beta1")]
    [InlineData("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json", ResponseKind.PartialObjectMetadata, "v1")]
    [InlineData("application/vnd.kubernetes.protobuf,application/json", ResponseKind.Object, "v1")]
    [InlineData("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json", ResponseKind.Object, "v1")]
    [InlineData("application/json;as=Table;v=v2;g=meta.k8s.io,application/json", ResponseKind.Object, "v1")]
    public void Negotiate_AcceptHeaders_PicksFirstServable(string? accept, ResponseKind kind, string version)
    {
        var format = ResponseFormat.Negotiate(accept);

        format.Kind.ShouldBe(kind);
        format.MetaVersion.ShouldBe(version);
    }

    [Theory]
    [InlineData("application/vnd.kubernetes.protobuf")]
    [InlineData("text/html")]
    [InlineData("application/json;as=Table;v=v9;g=meta.k8s.io")]
    public void Negotiate_NothingServable_Is406(string accept)
    {
        var error = Should.Throw<ApiException>(() => ResponseFormat.Negotiate(accept));

        error.Code.ShouldBe(406);
        error.Message.ShouldContain("application/json");
    }
}
