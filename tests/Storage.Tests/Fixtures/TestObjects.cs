using System.Text.Json.Nodes;

namespace Clusterpedia.Storage.Tests.Fixtures;

/// <summary>Builds realistic Kubernetes objects as records to store.</summary>
internal static class TestObjects
{
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ResourceRecord Pod(
        string cluster,
        string ns,
        string name,
        IReadOnlyDictionary<string, string>? labels = null,
        string? ownerUid = null,
        DateTimeOffset? created = null,
        string phase = "Running",
        string? node = null,
        string resourceVersion = "1",
        IReadOnlyDictionary<string, string>? annotations = null,
        string group = "",
        string version = "v1",
        string resource = "pods",
        string kind = "Pod") =>
        Object(cluster, group, version, resource, kind, ns, name, labels, ownerUid, created, resourceVersion, annotations, o =>
        {
            var spec = new JsonObject { ["restartPolicy"] = "Always", ["priority"] = 0, ["hostNetwork"] = false };
            if (node is not null)
            {
                spec["nodeName"] = node;
            }

            o["spec"] = spec;
            o["status"] = new JsonObject { ["phase"] = phase };
        });

    public static ResourceRecord Object(
        string cluster,
        string group,
        string version,
        string resource,
        string kind,
        string ns,
        string name,
        IReadOnlyDictionary<string, string>? labels = null,
        string? ownerUid = null,
        DateTimeOffset? created = null,
        string resourceVersion = "1",
        IReadOnlyDictionary<string, string>? annotations = null,
        Action<JsonObject>? body = null,
        string? uid = null)
    {
        uid ??= Uid(cluster, resource, ns, name);
        var createdAt = created ?? Epoch;
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["uid"] = uid,
            ["resourceVersion"] = resourceVersion,
            ["creationTimestamp"] = createdAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (ns.Length > 0)
        {
            metadata["namespace"] = ns;
        }

        if (labels is not null)
        {
            var l = new JsonObject();
            foreach (var (k, v) in labels)
            {
                l[k] = v;
            }

            metadata["labels"] = l;
        }

        if (annotations is not null)
        {
            var a = new JsonObject();
            foreach (var (k, v) in annotations)
            {
                a[k] = v;
            }

            metadata["annotations"] = a;
        }

        if (ownerUid is not null)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject { ["uid"] = ownerUid, ["controller"] = true });
        }

        var obj = new JsonObject
        {
            ["apiVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["kind"] = kind,
            ["metadata"] = metadata,
        };
        body?.Invoke(obj);
        return new ResourceRecord
        {
            Cluster = cluster,
            Group = group,
            Version = version,
            Resource = resource,
            Kind = kind,
            Namespace = ns,
            Name = name,
            Uid = uid,
            ResourceVersion = resourceVersion,
            OwnerUid = ownerUid,
            CreatedAt = createdAt,
            Object = System.Text.Encoding.UTF8.GetBytes(obj.ToJsonString()),
        };
    }

    /// <summary>
    /// <paramref name="record"/> with <paramref name="json"/> as its object bytes, taken as they are (no serializer in
    /// between: raw UTF-8, or text that is not JSON at all).
    /// </summary>
    public static ResourceRecord WithObject(ResourceRecord record, string json) => new()
    {
        Cluster = record.Cluster,
        Group = record.Group,
        Version = record.Version,
        Resource = record.Resource,
        Kind = record.Kind,
        Namespace = record.Namespace,
        Name = record.Name,
        Uid = record.Uid,
        ResourceVersion = record.ResourceVersion,
        OwnerUid = record.OwnerUid,
        CreatedAt = record.CreatedAt,
        Workload = record.Workload,
        Object = System.Text.Encoding.UTF8.GetBytes(json),
    };

    public static string Uid(string cluster, string resource, string ns, string name) => $"{cluster}/{resource}/{ns}/{name}";
}
