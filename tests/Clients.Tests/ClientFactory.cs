using System.Security.Cryptography.X509Certificates;
using Clusterpedia.KubeSim;
using k8s;

namespace Clusterpedia.Clients.Tests;

/// <summary>KubernetesClient instances for the demo: the search path, one cluster's path, the server root, a member.</summary>
internal static class ClientFactory
{
    public const string SearchPath = "/apis/clusterpedia.io/v1beta1/resources";

    public static Kubernetes Search(DemoEnvironment env) => At(env, SearchPath);

    public static Kubernetes Cluster(DemoEnvironment env, string cluster) => At(env, SearchPath + "/clusters/" + cluster);

    public static Kubernetes Root(DemoEnvironment env) => At(env, "");

    /// <summary>A client talking to the member simulator itself, trusting only its CA.</summary>
    public static Kubernetes Member(SimulatedCluster sim) => new(new KubernetesClientConfiguration
    {
        Host = sim.Url.ToString().TrimEnd('/'),
        AccessToken = sim.Token,
        SslCaCerts = [X509Certificate2.CreateFromPem(sim.CaCertificatePem!)],
    });

    private static Kubernetes At(DemoEnvironment env, string path) =>
        new(new KubernetesClientConfiguration { Host = env.Server.ToString().TrimEnd('/') + path });
}
