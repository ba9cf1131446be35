using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Clusterpedia.KubeSim.Discovery;

/// <summary>
/// Serves OpenAPI v3 the way kube-apiserver does: an index of group-versions (<c>/openapi/v3</c>) pointing at one
/// document per group-version. What clients read from them is what matters: kubectl looks for a PATCH operation whose
/// <c>x-kubernetes-group-version-kind</c> is the object's and which takes a <c>fieldValidation</c> query parameter;
/// finding it, it leaves validation to the server (fieldValidation=Strict) instead of downloading /openapi/v2.
/// Built-in schemas are permissive (any object); custom resources carry their CRD's openAPIV3Schema. Strategic merge
/// patch is not advertised, so kubectl computes apply patches from its compiled-in types as with older servers.
/// </summary>
internal static class OpenApiWriter
{
    public static void WriteIndex(Utf8JsonWriter writer, ApiResourceCatalog catalog)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("paths");
        foreach (var groupVersion in AllGroupVersions(catalog))
        {
            var path = DocumentPath(groupVersion);
            writer.WriteStartObject(path);
            writer.WriteString("serverRelativeURL", $"/openapi/v3/{path}?hash={Hash(groupVersion)}");
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The group-version a path after <c>/openapi/v3/</c> names (<c>api/v1</c>, <c>apis/apps/v1</c>), or null.</summary>
    public static ApiGroupVersion? Find(ApiResourceCatalog catalog, ReadOnlySpan<string> segments) => segments switch
    {
        ["api", var version] => catalog.FindGroupVersion(string.Empty, version),
        ["apis", var group, var version] => catalog.FindGroupVersion(group, version),
        _ => null,
    };

    public static void WriteDocument(Utf8JsonWriter writer, ApiGroupVersion groupVersion, string kubernetesVersion)
    {
        writer.WriteStartObject();
        writer.WriteString("openapi", "3.0.0");
        writer.WriteStartObject("info");
        writer.WriteString("title", "Kubernetes");
        writer.WriteString("version", kubernetesVersion);
        writer.WriteEndObject();
        writer.WriteStartObject("paths");
        var prefix = groupVersion.Group.Length == 0 ? "/api/v1" : $"/apis/{groupVersion.Group}/{groupVersion.Version}";
        foreach (var resource in groupVersion.Resources)
        {
            var collection = resource.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{resource.Name}" : $"{prefix}/{resource.Name}";
            writer.WriteStartObject(collection);
            if (resource.Supports("list"))
            {
                WriteOperation(writer, "get", "list", resource, withFieldValidation: false, patch: false, list: true);
            }

            if (resource.Supports("create"))
            {
                WriteOperation(writer, "post", "post", resource, withFieldValidation: true, patch: false, list: false);
            }

            WritePathParameters(writer, resource.Namespaced, named: false);
            writer.WriteEndObject();

            writer.WriteStartObject(collection + "/{name}");
            if (resource.Supports("get"))
            {
                WriteOperation(writer, "get", "get", resource, withFieldValidation: false, patch: false, list: false);
            }

            if (resource.Supports("update"))
            {
                WriteOperation(writer, "put", "put", resource, withFieldValidation: true, patch: false, list: false);
            }

            if (resource.Supports("patch"))
            {
                WriteOperation(writer, "patch", "patch", resource, withFieldValidation: true, patch: true, list: false);
            }

            WritePathParameters(writer, resource.Namespaced, named: true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("components");
        writer.WriteStartObject("schemas");
        foreach (var resource in groupVersion.Resources)
        {
            writer.WriteStartObject(SchemaName(resource));
            if (resource.Schema is { } schema)
            {
                foreach (var property in schema.EnumerateObject())
                {
                    property.WriteTo(writer);
                }
            }
            else
            {
                writer.WriteString("type", "object");
                writer.WriteBoolean("x-kubernetes-preserve-unknown-fields", true);
            }

            writer.WriteStartArray("x-kubernetes-group-version-kind");
            WriteGroupVersionKind(writer, resource);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteOperation(Utf8JsonWriter writer, string method, string action, ApiResource resource, bool withFieldValidation, bool patch, bool list)
    {
        var schemaRef = "#/components/schemas/" + SchemaName(resource);
        writer.WriteStartObject(method);
        writer.WriteString("operationId", $"{action}{resource.Kind}");
        writer.WriteStartArray("parameters");
        if (withFieldValidation)
        {
            WriteQueryParameter(writer, "dryRun");
            WriteQueryParameter(writer, "fieldManager");
            WriteQueryParameter(writer, "fieldValidation");
        }

        writer.WriteEndArray();
        if (method is "post" or "put" or "patch")
        {
            writer.WriteStartObject("requestBody");
            writer.WriteStartObject("content");
            var mediaTypes = patch
                ? new[] { "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml" }
                : ["application/json"];
            foreach (var mediaType in mediaTypes)
            {
                writer.WriteStartObject(mediaType);
                writer.WriteStartObject("schema");
                if (patch)
                {
                    writer.WriteString("type", "object");
                }
                else
                {
                    writer.WriteString("$ref", schemaRef);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteBoolean("required", true);
            writer.WriteEndObject();
        }

        writer.WriteStartObject("responses");
        writer.WriteStartObject("200");
        writer.WriteString("description", "OK");
        writer.WriteStartObject("content");
        writer.WriteStartObject("application/json");
        writer.WriteStartObject("schema");
        if (list)
        {
            writer.WriteString("type", "object");
        }
        else
        {
            writer.WriteString("$ref", schemaRef);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteString("x-kubernetes-action", list ? "list" : action);
        writer.WriteStartObject("x-kubernetes-group-version-kind");
        WriteGroupVersionKindMembers(writer, resource);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteQueryParameter(Utf8JsonWriter writer, string name)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("in", "query");
        writer.WriteStartObject("schema");
        writer.WriteString("type", "string");
        writer.WriteBoolean("uniqueItems", true);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WritePathParameters(Utf8JsonWriter writer, bool namespaced, bool named)
    {
        writer.WriteStartArray("parameters");
        foreach (var name in (named, namespaced) switch
        {
            (true, true) => new[] { "name", "namespace" },
            (true, false) => ["name"],
            (false, true) => ["namespace"],
            _ => [],
        })
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("in", "path");
            writer.WriteBoolean("required", true);
            writer.WriteStartObject("schema");
            writer.WriteString("type", "string");
            writer.WriteBoolean("uniqueItems", true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteGroupVersionKind(Utf8JsonWriter writer, ApiResource resource)
    {
        writer.WriteStartObject();
        WriteGroupVersionKindMembers(writer, resource);
        writer.WriteEndObject();
    }

    private static void WriteGroupVersionKindMembers(Utf8JsonWriter writer, ApiResource resource)
    {
        writer.WriteString("group", resource.Group);
        writer.WriteString("version", resource.Version);
        writer.WriteString("kind", resource.Kind);
    }

    /// <summary>Definition names as kube-apiserver spells them: reversed group then version and kind.</summary>
    private static string SchemaName(ApiResource resource)
    {
        if (resource.Group.Length == 0)
        {
            return $"io.k8s.api.core.{resource.Version}.{resource.Kind}";
        }

        if (!resource.IsCustom)
        {
            return $"io.k8s.api.{resource.Group.Split('.')[0]}.{resource.Version}.{resource.Kind}";
        }

        var reversed = string.Join('.', resource.Group.Split('.').Reverse());
        return $"{reversed}.{resource.Version}.{resource.Kind}";
    }

    private static IEnumerable<ApiGroupVersion> AllGroupVersions(ApiResourceCatalog catalog) =>
        catalog.Groups.SelectMany(g => g.Versions).Prepend(catalog.Core);

    private static string DocumentPath(ApiGroupVersion groupVersion) =>
        groupVersion.Group.Length == 0 ? $"api/{groupVersion.Version}" : $"apis/{groupVersion.Group}/{groupVersion.Version}";

    /// <summary>Changes whenever what the document says changes, so clients' caches keyed by the URL stay right.</summary>
    private static string Hash(ApiGroupVersion groupVersion)
    {
        var text = new StringBuilder(groupVersion.GroupVersion);
        foreach (var resource in groupVersion.Resources)
        {
            text.Append('|').Append(resource.Name).Append(':').Append(resource.Kind).Append(':').Append(resource.Namespaced)
                .Append(':').Append(string.Join(',', resource.Verbs));
            if (resource.Schema is { } schema)
            {
                text.Append(':').Append(schema.GetRawText());
            }
        }

        return Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
