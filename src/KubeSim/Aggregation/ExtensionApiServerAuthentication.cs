using System.Text.Json.Nodes;
using Clusterpedia.Kube;

namespace Clusterpedia.KubeSim.Aggregation;

/// <summary>
/// The kube-system/extension-apiserver-authentication ConfigMap kube-apiserver writes at start: how an extension API
/// server recognises clients (client-ca-file) and the front proxy (requestheader-*; lists as JSON arrays).
/// </summary>
internal static class ExtensionApiServerAuthentication
{
    private static readonly GroupVersionResource _configMaps = new(string.Empty, "v1", "configmaps");

    public static void Create(SimulatorStore store, string clientCaPem, string frontProxyCaPem)
    {
        var configMap = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "extension-apiserver-authentication", ["namespace"] = "kube-system" },
            ["data"] = new JsonObject
            {
                ["client-ca-file"] = clientCaPem,
                ["requestheader-allowed-names"] = $"[\"{FrontProxy.ClientName}\"]",
                ["requestheader-client-ca-file"] = frontProxyCaPem,
                ["requestheader-extra-headers-prefix"] = "[\"X-Remote-Extra-\"]",
                ["requestheader-group-headers"] = "[\"X-Remote-Group\"]",
                ["requestheader-username-headers"] = "[\"X-Remote-User\"]",
            },
        };
        store.Create(_configMaps, "kube-system", configMap);
    }
}
