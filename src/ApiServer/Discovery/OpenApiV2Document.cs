using Clusterpedia.ApiServer.Clusters;
using Clusterpedia.ApiServer.Http;

namespace Clusterpedia.ApiServer.Discovery;

/// <summary>
/// The OpenAPI v2 document in gnostic protobuf form. It lists our own write paths with their GroupVersionKind and
/// the fieldValidation query parameter: kubectl 1.27 reads exactly that to decide that the server validates fields
/// itself, instead of failing <c>kubectl apply</c> for want of a schema. Full schemas are served in OpenAPI v3.
/// </summary>
internal static class OpenApiV2Document
{
    // kube-apiserver names this type with an "@", which Go's mime parser rejects in a response; octet-stream is safe.
    public const string ProtobufMediaType = "application/octet-stream";

    // Field numbers of gnostic's openapi_v2 messages.
    private const int _documentSwagger = 1, _documentInfo = 2, _documentPaths = 8;
    private const int _infoTitle = 1, _infoVersion = 2;
    private const int _pathsPath = 2, _namedName = 1, _namedValue = 2;
    private const int _pathItemPost = 4, _pathItemPatch = 8, _pathItemPut = 3;
    private const int _operationId = 5, _operationParameters = 8, _operationExtensions = 13;
    private const int _parametersItemParameter = 1, _parameterNonBody = 2, _nonBodyQuery = 3;
    private const int _queryIn = 2, _queryDescription = 3, _queryName = 4, _queryType = 6, _queryUniqueItems = 20;
    private const int _anyYaml = 2;

    private static readonly Lazy<byte[]> _bytes = new(Build);

    public static byte[] Bytes => _bytes.Value;

    private static byte[] Build()
    {
        var doc = new ProtoWriter()
            .String(_documentSwagger, "2.0")
            .Message(_documentInfo, i => i.String(_infoTitle, "Clusterpedia").String(_infoVersion, ServerVersion.GitVersion))
            .Message(_documentPaths, paths =>
            {
                foreach (var r in OwnApiRegistry.All)
                {
                    var collection = $"/apis/{r.Group}/{r.Version}/{r.Resource}";
                    paths.Message(_pathsPath, named => named
                        .String(_namedName, collection)
                        .Message(_namedValue, item => item.Message(_pathItemPost, op => Operation(op, "create", r))));
                    paths.Message(_pathsPath, named => named
                        .String(_namedName, collection + "/{name}")
                        .Message(_namedValue, item => item
                            .Message(_pathItemPut, op => Operation(op, "replace", r))
                            .Message(_pathItemPatch, op => Operation(op, "patch", r))));
                }
            });
        return doc.Written.ToArray();
    }

    private static void Operation(ProtoWriter op, string verb, OwnResource r)
    {
        op.String(_operationId, verb + r.Kind + r.Version);
        foreach (var (name, description) in new[]
        {
            ("dryRun", "When present, indicates that modifications should not be persisted."),
            ("fieldManager", "A name associated with the actor or entity that is making these changes."),
            ("fieldValidation", "How the server handles unknown or duplicate fields: Ignore, Warn or Strict."),
        })
        {
            op.Message(_operationParameters, item => item.Message(_parametersItemParameter, p => p.Message(_parameterNonBody, nb => nb.Message(_nonBodyQuery, q => q
                .String(_queryIn, "query")
                .String(_queryDescription, description)
                .String(_queryName, name)
                .String(_queryType, "string")
                .Bool(_queryUniqueItems, true)))));
        }

        op.Message(_operationExtensions, ext => ext
            .String(_namedName, "x-kubernetes-group-version-kind")
            .Message(_namedValue, any => any.String(_anyYaml, $"group: {r.Group}\nkind: {r.Kind}\nversion: {r.Version}\n")));
    }
}
