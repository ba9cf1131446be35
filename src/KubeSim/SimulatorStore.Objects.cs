using System.Text.Json.Nodes;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim;

// What the registry does to an object before it is stored: namespace, name validation, defaults, generation, uid.
public sealed partial class SimulatorStore
{
    private ObjectVersion Build(ApiResource resource, string ns, string name, long rv, JsonObject obj, bool deleted)
    {
        var metadata = ObjectJson.Metadata(obj);
        var owners = metadata["ownerReferences"] is JsonArray references
            ? references.Select(r => ObjectJson.GetString(r as JsonObject, "uid")).OfType<string>().Select(_pool.Intern).ToArray()
            : [];
        ns = _pool.Intern(ns);
        return new ObjectVersion
        {
            Key = resource.Namespaced ? $"{ns}/{name}" : name,
            Namespace = ns,
            Name = name,
            ResourceVersion = rv,
            Uid = ObjectJson.GetString(metadata, "uid") ?? string.Empty,
            OwnerUids = owners,
            Body = ObjectJson.SerializeBody(obj),
            Deleted = deleted,
            Labels = ObjectJson.Labels(metadata, _pool),
            Fields = ObjectJson.Fields(obj, ns, name, resource.SelectableFields, _pool),
        };
    }

    private static string? ResolveNamespace(ApiResource resource, string? ns, JsonObject metadata)
    {
        if (!resource.Namespaced)
        {
            return null;
        }

        var given = ObjectJson.GetString(metadata, "namespace");
        if (string.IsNullOrEmpty(ns))
        {
            ns = string.IsNullOrEmpty(given) ? null : given;
        }
        else if (!string.IsNullOrEmpty(given) && !string.Equals(given, ns, StringComparison.Ordinal))
        {
            throw SimulatorApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        return ns ?? throw SimulatorApiException.BadRequest("a namespace is required for namespaced resources");
    }

    private static void ValidateName(ApiResource resource, string name)
    {
        var valid = name.Length <= 253 && name != "." && name != ".." && !name.Contains('/', StringComparison.Ordinal)
            && !name.Contains('%', StringComparison.Ordinal);
        if (valid && resource.Group.Length == 0 && resource.Name is "namespaces" or "pods" or "services" or "configmaps" or "secrets")
        {
            valid = name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.')
                && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
                && (resource.Name != "namespaces" || (name.Length <= 63 && !name.Contains('.', StringComparison.Ordinal)));
        }

        if (!valid)
        {
            throw SimulatorApiException.Invalid(resource.Group, resource.Kind, name, "metadata.name",
                $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
        }
    }

    private static bool HasGeneration(ApiResource resource, JsonObject obj) =>
        obj["spec"] is not null && !_withoutGeneration.Contains(resource.GroupResource);

    private void ApplyDefaults(ApiResource resource, JsonObject obj, string name)
    {
        if (resource.Group.Length == 0 && resource.Name == "secrets" && string.IsNullOrEmpty(ObjectJson.GetString(obj, "type")))
        {
            obj["type"] = "Opaque";
        }

        if (resource.Group.Length == 0 && resource.Name == "services" && obj["spec"] is JsonObject serviceSpec)
        {
            // The service IP allocator: a free address from 10.96.0.0/12 unless the client chose one (or None).
            var type = ObjectJson.GetString(serviceSpec, "type") ?? "ClusterIP";
            serviceSpec["type"] = type;
            if (type != "ExternalName" && string.IsNullOrEmpty(ObjectJson.GetString(serviceSpec, "clusterIP")))
            {
                var ip = $"10.{96 + _random.Next(16)}.{_random.Next(256)}.{_random.Next(1, 255)}";
                serviceSpec["clusterIP"] = ip;
                serviceSpec["clusterIPs"] = new JsonArray(ip);
            }

            serviceSpec["sessionAffinity"] ??= "None";
            serviceSpec["ipFamilies"] ??= new JsonArray("IPv4");
            serviceSpec["ipFamilyPolicy"] ??= "SingleStack";
            serviceSpec["internalTrafficPolicy"] ??= "Cluster";
            foreach (var port in (serviceSpec["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
                port["targetPort"] ??= port["port"]?.DeepClone();
            }

            obj["status"] ??= new JsonObject { ["loadBalancer"] = new JsonObject() };
        }

        if (resource.Group.Length == 0 && resource.Name == "namespaces")
        {
            var labels = ObjectJson.Metadata(obj)["labels"] as JsonObject ?? [];
            labels["kubernetes.io/metadata.name"] = name;
            ObjectJson.Metadata(obj)["labels"] = labels;
            obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
            obj["status"] ??= new JsonObject { ["phase"] = "Active" };
        }
    }

    private static void CopyOrRemove(JsonObject from, JsonObject to, string property)
    {
        if (from[property] is { } value)
        {
            to[property] = value.DeepClone();
        }
        else
        {
            to.Remove(property);
        }
    }

    private string RandomSuffix(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = _randomAlphabet[_random.Next(_randomAlphabet.Length)];
        }

        return new string(chars);
    }

    private string NewUid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }
}
