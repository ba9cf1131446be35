namespace Clusterpedia.ApiServer.Http;

/// <summary>The representation a client asked for in its Accept header.</summary>
public enum ResponseKind
{
    Object,
    Table,
    PartialObjectMetadata,
}

/// <summary>The negotiated response: kind and, for meta.k8s.io forms, the version (v1 or v1beta1).</summary>
public readonly record struct ResponseFormat(ResponseKind Kind, string MetaVersion)
{
    public static readonly ResponseFormat Json = new(ResponseKind.Object, "v1");

    /// <summary>
    /// Picks the first clause of the Accept header we can serve, as kube-apiserver does. Protobuf clauses are
    /// skipped (we only speak JSON); if nothing acceptable remains the request gets 406.
    /// </summary>
    public static ResponseFormat Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return Json;
        }

        foreach (var clause in accept.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = clause.Split(';', StringSplitOptions.TrimEntries);
            var mediaType = parts[0].ToLowerInvariant();
            if (mediaType is not ("application/json" or "application/*" or "*/*" or "application/yaml"))
            {
                continue;
            }

            string? asKind = null, group = null, version = null;
            foreach (var p in parts.AsSpan(1))
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    continue;
                }

                var key = p[..eq].Trim();
                var value = p[(eq + 1)..].Trim();
                switch (key)
                {
                    case "as": asKind = value; break;
                    case "g": group = value; break;
                    case "v": version = value; break;
                    default: break;
                }
            }

            if (asKind is null)
            {
                return Json;
            }

            if (group != "meta.k8s.io" || version is not ("v1" or "v1beta1"))
            {
                continue;
            }

            switch (asKind)
            {
                case "Table":
                    return new ResponseFormat(ResponseKind.Table, version);
                case "PartialObjectMetadata":
                case "PartialObjectMetadataList":
                    return new ResponseFormat(ResponseKind.PartialObjectMetadata, version);
                default:
                    continue;
            }
        }

        throw ApiException.NotAcceptable($"only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io; got \"{accept}\"");
    }
}
