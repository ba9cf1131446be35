using Clusterpedia.ApiServer.Http;

namespace Clusterpedia.ApiServer.Tests.Unit;

public sealed class ApiExceptionTests
{
    [Theory]
    [InlineData("metadata.labels[a: b]: Invalid value: 1: must be a string", "metadata.labels[a: b]", "FieldValueInvalid")]
    [InlineData("spec: Required value", "spec", "FieldValueRequired")]
    [InlineData("metadata.labels: Invalid value: \"x: Required value\": a valid label ...", "metadata.labels", "FieldValueInvalid")]
    [InlineData("metadata.annotations: Too long: must have at most 262144 bytes", "metadata.annotations", "FieldValueTooLong")]
    [InlineData("spec.authenticationFrom.password: Unsupported value: must be one of kubeconfig", "spec.authenticationFrom.password", "FieldValueNotSupported")]
    [InlineData("5 more errors not shown", "", "FieldValueInvalid")]
    public void Invalid_Error_BecomesCauseNamingTheField(string error, string field, string reason)
    {
        var cause = ApiException.Invalid("PediaCluster", "cluster.clusterpedia.io", "x", [error]).Causes.Single();

        cause.Field.ShouldBe(field);
        cause.Reason.ShouldBe(reason);
    }
}
