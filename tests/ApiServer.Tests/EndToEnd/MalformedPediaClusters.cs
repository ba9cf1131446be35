namespace Clusterpedia.ApiServer.Tests.EndToEnd;

/// <summary>
/// The malformed PediaClusters of the bad-input suite, each with what the refusal must name: our standalone API answers
/// each with a 422 (<see cref="BadInputTests"/>), and a host cluster with our admission webhooks refuses each through
/// kubectl (Admission/AdmissionEndToEndTests). One list, so the two cannot drift apart.
/// </summary>
public static class MalformedPediaClusters
{
    public static TheoryData<string, string> Bodies { get; } = new()
    {
        { """{"metadata":{"name":"Bad_Name"},"spec":{"apiserver":"https://a"}}""", "metadata.name" },
        { """{"metadata":{"name":"x"}}""", "spec" },
        { """{"metadata":{"name":"x"},"spec":{"apiserver":"https://a","caData":"%%%"}}""", "spec.caData" },
        { """{"metadata":{"name":"x"},"spec":{"apiserver":"https://a","certData":"YQ=="}}""", "keyData" },
        { """{"metadata":{"name":"x"},"spec":{"apiserver":"https://a","syncResources":"apps"}}""", "spec.syncResources" },
        { """{"metadata":{"name":"x"},"spec":{"apiserver":"https://a","syncResources":[{"group":1,"resources":["pods"]}]}}""", "group" },
        { """{"metadata":{"name":"x"},"spec":{"apiserver":"https://a","authenticationFrom":{"token":{"name":"s"}}}}""", "spec.authenticationFrom.token.key" },
        { """{"metadata":{"name":"x"},"spec":{"authenticationFrom":{"token":{"name":"s","key":"token"}}}}""", "spec.authenticationFrom.kubeconfig must be set" },
        { """{"metadata":{"name":"x"},"spec":{"apiserver":"https://a","authenticationFrom":{"password":{"name":"s","key":"k"}}}}""", "spec.authenticationFrom.password" },
    };
}
