using System.Text.Json;

namespace Clusterpedia.KubeSim.Discovery;

/// <summary>
/// A skeleton of <c>/openapi/v2</c>: one PATCH operation per resource, tagged with its
/// <c>x-kubernetes-group-version-kind</c> and taking the <c>fieldValidation</c> query parameter, and no definitions.
/// kubectl 1.27 reads it (as protobuf, gnostic's openapi.v2.Document) to decide that the server validates fields
/// itself; with no definitions it computes apply patches from its compiled-in types.
/// </summary>
internal static class OpenApiV2Writer
{
    public const string ProtobufContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    // Field numbers of gnostic's OpenAPIv2.proto.
    private const int _documentSwagger = 1;
    private const int _documentInfo = 2;
    private const int _documentPaths = 8;
    private const int _infoTitle = 1;
    private const int _infoVersion = 2;
    private const int _pathsPath = 2;
    private const int _namedName = 1;
    private const int _namedValue = 2;
    private const int _pathItemPatch = 8;
    private const int _operationId = 5;
    private const int _operationParameters = 8;
    private const int _operationResponses = 9;
    private const int _operationVendorExtension = 13;
    private const int _parametersItemParameter = 1;
    private const int _parameterNonBody = 2;
    private const int _nonBodyQuery = 3;
    private const int _queryIn = 2;
    private const int _queryName = 4;
    private const int _queryType = 6;
    private const int _queryUniqueItems = 20;
    private const int _responsesCode = 1;
    private const int _responseValueResponse = 1;
    private const int _responseDescription = 1;
    private const int _anyYaml = 2;

    private static readonly string[] _queryParameters = ["dryRun", "fieldManager", "fieldValidation", "force"];

    public static byte[] WriteProtobuf(ApiResourceCatalog catalog, string kubernetesVersion)
    {
        var document = new ProtobufWriter();
        document.String(_documentSwagger, "2.0");
        document.Message(_documentInfo, info =>
        {
            info.String(_infoTitle, "Kubernetes");
            info.String(_infoVersion, kubernetesVersion);
        });
        document.Message(_documentPaths, paths =>
        {
            foreach (var (path, resource) in PatchPaths(catalog))
            {
                paths.Message(_pathsPath, named =>
                {
                    named.String(_namedName, path);
                    named.Message(_namedValue, item => item.Message(_pathItemPatch, operation => WritePatch(operation, resource)));
                });
            }
        });
        return document.ToArray();
    }

    public static void WriteJson(Utf8JsonWriter writer, ApiResourceCatalog catalog, string kubernetesVersion)
    {
        writer.WriteStartObject();
        writer.WriteString("swagger", "2.0");
        writer.WriteStartObject("info");
        writer.WriteString("title", "Kubernetes");
        writer.WriteString("version", kubernetesVersion);
        writer.WriteEndObject();
        writer.WriteStartObject("paths");
        foreach (var (path, resource) in PatchPaths(catalog))
        {
            writer.WriteStartObject(path);
            writer.WriteStartObject("patch");
            writer.WriteString("operationId", "patch" + resource.Kind);
            writer.WriteStartArray("parameters");
            foreach (var name in _queryParameters)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("in", "query");
                writer.WriteString("type", "string");
                writer.WriteBoolean("uniqueItems", true);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartObject("responses");
            writer.WriteStartObject("200");
            writer.WriteString("description", "OK");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteString("x-kubernetes-action", "patch");
            writer.WriteStartObject("x-kubernetes-group-version-kind");
            writer.WriteString("group", resource.Group);
            writer.WriteString("kind", resource.Kind);
            writer.WriteString("version", resource.Version);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("definitions");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WritePatch(ProtobufWriter operation, ApiResource resource)
    {
        operation.String(_operationId, "patch" + resource.Kind);
        foreach (var name in _queryParameters)
        {
            operation.Message(_operationParameters, item => item.Message(_parametersItemParameter, parameter =>
                parameter.Message(_parameterNonBody, nonBody => nonBody.Message(_nonBodyQuery, query =>
                {
                    query.String(_queryIn, "query");
                    query.String(_queryName, name);
                    query.String(_queryType, "string");
                    query.Bool(_queryUniqueItems, true);
                }))));
        }

        operation.Message(_operationResponses, responses => responses.Message(_responsesCode, named =>
        {
            named.String(_namedName, "200");
            named.Message(_namedValue, value => value.Message(_responseValueResponse, response => response.String(_responseDescription, "OK")));
        }));
        operation.Message(_operationVendorExtension, named =>
        {
            named.String(_namedName, "x-kubernetes-group-version-kind");
            named.Message(_namedValue, any => any.String(_anyYaml, $"group: \"{resource.Group}\"\nkind: {resource.Kind}\nversion: {resource.Version}\n"));
        });
    }

    private static IEnumerable<(string Path, ApiResource Resource)> PatchPaths(ApiResourceCatalog catalog)
    {
        foreach (var groupVersion in catalog.Groups.SelectMany(g => g.Versions).Prepend(catalog.Core))
        {
            var prefix = groupVersion.Group.Length == 0 ? "/api/v1" : $"/apis/{groupVersion.Group}/{groupVersion.Version}";
            foreach (var resource in groupVersion.Resources.Where(r => r.Supports("patch")))
            {
                yield return (resource.Namespaced
                    ? $"{prefix}/namespaces/{{namespace}}/{resource.Name}/{{name}}"
                    : $"{prefix}/{resource.Name}/{{name}}", resource);
            }
        }
    }
}
