using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clusterpedia.KubeSim.Tests.Admission;

/// <summary>
/// A real admission webhook over HTTPS (Kestrel, certificate from its own test CA, valid for 127.0.0.1 and the
/// Service name webhook.default.svc) answering AdmissionReview v1 with small policies, one per path:
/// <c>/validate</c> denies objects labelled deny=true (and warns about warn=true), <c>/deny-all</c> denies everything, <c>/invalid</c> denies with a 422 Invalid Status carrying a field cause,
/// <c>/mutate</c> adds the label mutated=true, <c>/count-labels</c> records the number of labels in an annotation,
/// <c>/slow</c> answers after 5 s, <c>/wrong-uid</c> answers with another uid. It keeps the requests it received.
/// </summary>
public sealed class TestWebhookServer : IAsyncLifetime
{
    public const string ServiceName = "webhook";
    public const string ServiceNamespace = "default";

    private WebApplication _app = null!;

    public string CaBundleBase64 { get; private set; } = string.Empty;

    public int Port { get; private set; }

    /// <summary>Every AdmissionReview request received (the <c>request</c> member), by path.</summary>
    public ConcurrentQueue<(string Path, JsonObject Request)> Received { get; } = new();

    public string Url(string path) => $"https://127.0.0.1:{Port}{path}";

    public async Task InitializeAsync()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=test-webhook-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CaBundleBase64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(ca.ExportCertificatePem() + "\n"));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=webhook", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName($"{ServiceName}.{ServiceNamespace}.svc");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), [1, 2, 3, 4]);
        using var withKey = signed.CopyWithPrivateKey(key);
        var serving = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(serving)));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The requests received on <paramref name="path"/> for objects named <paramref name="name"/>.</summary>
    public List<JsonObject> RequestsFor(string path, string name) =>
        [.. Received.Where(r => r.Path == path && (r.Request["name"]?.GetValue<string>() == name
            || r.Request["object"]?["metadata"]?["name"]?.GetValue<string>() == name)).Select(r => r.Request)];

    private async Task HandleAsync(HttpContext context)
    {
        var review = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        var request = review["request"]!.AsObject();
        var path = context.Request.Path.Value ?? "/";
        Received.Enqueue((path, (JsonObject)request.DeepClone()));
        var obj = request["object"] as JsonObject;
        var labels = obj?["metadata"]?["labels"] as JsonObject;
        var response = new JsonObject { ["uid"] = request["uid"]!.GetValue<string>(), ["allowed"] = true };
        switch (path)
        {
            case "/validate":
                if (labels?["deny"]?.GetValue<string>() == "true")
                {
                    response["allowed"] = false;
                    response["status"] = new JsonObject { ["code"] = 403, ["reason"] = "Forbidden", ["message"] = "objects labelled deny=true are not allowed" };
                }

                if (labels?["warn"]?.GetValue<string>() == "true")
                {
                    response["warnings"] = new JsonArray("the warn label is deprecated");
                }

                break;
            case "/invalid":
                // A 422 Invalid as kube-apiserver's own validation writes it, with a field cause.
                response["allowed"] = false;
                response["status"] = new JsonObject
                {
                    ["code"] = 422,
                    ["reason"] = "Invalid",
                    ["message"] = "ConfigMap \"" + obj?["metadata"]?["name"]?.GetValue<string>() + "\" is invalid: data.color: Unsupported value: \"blue\"",
                    ["details"] = new JsonObject
                    {
                        ["name"] = obj?["metadata"]?["name"]?.GetValue<string>(),
                        ["kind"] = "ConfigMap",
                        ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueNotSupported", ["field"] = "data.color", ["message"] = "Unsupported value: \"blue\"" }),
                    },
                };
                break;
            case "/deny-all":
                response["allowed"] = false;
                response["status"] = new JsonObject { ["code"] = 403, ["reason"] = "Forbidden", ["message"] = "nothing passes" };
                break;
            case "/mutate":
                response["patchType"] = "JSONPatch";
                response["patch"] = Patch(labels is null
                    ? new JsonObject { ["op"] = "add", ["path"] = "/metadata/labels", ["value"] = new JsonObject { ["mutated"] = "true" } }
                    : new JsonObject { ["op"] = "add", ["path"] = "/metadata/labels/mutated", ["value"] = "true" });
                break;
            case "/count-labels":
                var count = (labels?.Count ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
                response["patchType"] = "JSONPatch";
                response["patch"] = Patch(obj?["metadata"]?["annotations"] is null
                    ? new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations", ["value"] = new JsonObject { ["labels-seen"] = count } }
                    : new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations/labels-seen", ["value"] = count });
                break;
            case "/slow":
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
                break;
            case "/wrong-uid":
                response["uid"] = "not-the-uid";
                break;
        }

        var answer = new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["response"] = response };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }

    private static string Patch(JsonObject operation) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonArray(operation).ToJsonString()));
}
