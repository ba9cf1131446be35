using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clusterpedia.ApiServer.Tests.Hostile;

/// <summary>
/// Builds the malformed-input corpus: hand-picked nasty inputs plus cases drawn by a seeded <see cref="Random"/>
/// (the same seed gives the same corpus) over every endpoint, method, content type, header and query parameter.
/// </summary>
public sealed class CorpusGenerator(CorpusContext context, int seed = 20)
{
    private const string _search = "/apis/clusterpedia.io/v1beta1/resources";
    private const string _collections = "/apis/clusterpedia.io/v1beta1/collectionresources";
    private const string _pc2 = "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters";
    private const string _csr = "/apis/cluster.clusterpedia.io/v1alpha2/clustersyncresources";
    private const string _pc1 = "/apis/clusters.clusterpedia.io/v1alpha1/pediaclusters";
    private const string _json = "application/json";
    private const string _yaml = "application/yaml";

    private static readonly KeyValuePair<string, string>[] _noHeaders = [];

    private readonly Random _random = new(seed);
    private readonly List<HostileCase> _cases = [];

    public IReadOnlyList<HostileCase> Generate()
    {
        HandPicked();
        RawSocketCases();
        for (var i = 0; i < 330; i++)
        {
            QueryCase();
        }

        for (var i = 0; i < 40; i++)
        {
            AcceptCase();
        }

        for (var i = 0; i < 260; i++)
        {
            WriteCase(i);
        }

        return _cases;
    }

    // ---- paths ----------------------------------------------------------------------------------------------

    private string[] ListPaths() =>
    [
        .. new[] { _search, _search + "/clusters/" + context.Cluster }.SelectMany(root => new[]
        {
            root + "/api/v1/pods",
            root + "/api/v1/namespaces/" + context.PodNamespace + "/pods",
            root + "/apis/apps/v1/deployments",
            root + "/apis/apps/v1/namespaces/kube-system/replicasets",
            root + "/api/v1/namespaces",
        }),
        _collections + "/workloads",
        _collections + "/kuberesources",
        _collections + "/any",
        _pc2,
        _csr,
        _pc1,
    ];

    private string[] OtherGetPaths() =>
    [
        _search + "/clusters/" + context.Cluster + "/api/v1/namespaces/" + context.PodNamespace + "/pods/" + context.PodName,
        _search + "/clusters/nope/api/v1/pods",
        _search + "/clusters/" + context.Cluster + "/api/v1/watch/pods",
        _search + "/api/v1/watch/namespaces/" + context.PodNamespace + "/pods",
        _search + "/api/v1/pods/status",
        _search, _search + "/api", _search + "/apis", _search + "/api/v1", _search + "/apis/apps", _search + "/apis/apps/v1",
        _search + "/clusters/" + context.Cluster + "/apis",
        _collections, _collections + "/nope",
        "/api", "/apis", "/apis/clusterpedia.io", "/apis/clusterpedia.io/v1beta1", "/apis/cluster.clusterpedia.io",
        "/apis/cluster.clusterpedia.io/v1alpha2", "/apis/clusters.clusterpedia.io/v1alpha1",
        "/openapi/v2", "/openapi/v3", "/openapi/v3/apis/cluster.clusterpedia.io/v1alpha2", "/version", "/healthz", "/livez", "/readyz", "/metrics",
        _pc2 + "/" + context.Target, _pc2 + "/" + context.Target + "/status", _pc2 + "/" + context.Cluster + "/status",
        _csr + "/" + context.Target, _pc1 + "/" + context.Target, _pc1 + "/" + context.Target + "/status",
    ];

    // ---- query parameters -----------------------------------------------------------------------------------

    private static string Requirements(int count, Func<int, string> one) => string.Join(',', Enumerable.Range(0, count).Select(one));

    private Dictionary<string, string[]> QueryValues() => new(StringComparer.Ordinal)
    {
        ["limit"] = ["-1", "0", "abc", "2147483647", "2147483648", "9223372036854775807", "99999999999999999999", "1e3", "0x10", "%205", "", "1.5", "-0", "%2B3", "%ED%A0%80"],
        ["continue"] = [.. BadContinueTokens()],
        ["labelSelector"] =
        [
            "a%20in%20(", "%3D", "!", "a!%3D", "a%3D%3Db%3D%3Dc", "a%20in%20()", "a%20notin", "a,,b", ",", "x%3D" + new string('v', 300),
            Requirements(1000, i => $"k{i}%3Dv"), Requirements(1500, i => $"k{i}"), Requirements(1000, i => "!a"),
            "search.clusterpedia.io%2Forderby%3Dbogus", "search.clusterpedia.io%2Fsince%3Dgarbage", "search.clusterpedia.io%2Fowner-seniority%3D-1",
            "search.clusterpedia.io%2Fowner-seniority%3D99999999999", "search.clusterpedia.io%2Fclusters%20in%20(" + Requirements(500, i => $"c{i}") + ")",
            "a%3D%ED%A0%80", "a%3D%00", "%F0%9F%92%A9%3D1", "search.clusterpedia.io%2Fnames%20notin%20()", "search.clusterpedia.io%2Ffuzzy-name%3D%25",
            "internalstorage.clusterpedia.io%2Fowner-uid%3Dx",
        ],
        ["fieldSelector"] =
        [
            "status.phase%3D%3D%3D", "metadata.name", "%3Dx", "spec.nodeName!%3D", "a.b.c.d.e.f%3D1", "metadata.name%20in%20(a)",
            Requirements(1000, i => $"metadata.name!%3Dn{i}"), "metadata.name%3D%ED%A0%80", "status.phase%3D" + new string('x', 5000),
            "metadata.annotations%5Bx%5D%3D1", "spec.containers%5B0%5D.name%3Dx",
        ],
        ["timeoutSeconds"] = ["-1", "0", "abc", "4294967", "4294968", "2147483647", "9223372036854775807", "1e9", "", "1.5"],
        ["resourceVersion"] = ["abc", "-1", "99999999999999999999", "0", "", "1e5", "%ED%A0%80", "18446744073709551616"],
        ["resourceVersionMatch"] = ["Exact", "NotOlderThan", "garbage", ""],
        ["since"] = ["yesterday", "-1", "9999-99-99", "0", "1e30", "2024-13-45T00:00:00Z", "99999999999999999999", "-62135596801"],
        ["before"] = ["yesterday", "-1", "0001-01-01T00:00:00Z", "1e30", "9999-12-31T23:59:59Z", "abc"],
        ["names"] = ["", ",", new string('n', 5000), Requirements(1000, i => $"n{i}"), "%ED%A0%80"],
        ["ownerUID"] = ["", "x", new string('u', 5000), "%00"],
        ["ownerName"] = ["", "x", "%ED%A0%80"],
        ["ownerGR"] = ["", ".", "deployments.apps.extra.dots", "%2F%2F"],
        ["ownerSeniority"] = ["-1", "abc", "99999999999", "2147483648", "1"],
        ["fuzzyName"] = ["%25", "_", "%5C", "'", "'%20OR%201%3D1%20--", new string('f', 5000), "%ED%A0%80"],
        ["orderby"] = ["name%20sideways", "", "name;drop", "created_at%20desc", Requirements(100, _ => "name"), "cluster,namespace,name,created_at,resource_version", "%00"],
        ["clusters"] = ["", ",", "nope", Requirements(1000, i => $"c{i}"), "%ED%A0%80"],
        ["namespaces"] = ["", ",", Requirements(1000, i => $"n{i}"), "UPPER", "%ED%A0%80"],
        ["includeObject"] = ["Everything", "", "None", "Metadata", "Object"],
        ["onlyMetadata"] = ["yes", "2", ""],
        ["withRemainingCount"] = ["yes", "2", "", "true"],
        ["withContinue"] = ["no", "2", ""],
        ["watch"] = ["True", "yes", "TRUE", "on", "2", "", "false", "0", "no", "1"],
        ["allowWatchBookmarks"] = ["True", "yes", "0", "garbage"],
        ["sendInitialEvents"] = ["true", "garbage"],
        ["pretty"] = ["true", "garbage"],
        ["groups"] = ["", ",", "apps%2Fv1%2Fextra", "%2F", Requirements(500, i => $"g{i}")],
        ["resources"] = ["", "apps%2Fv1%2Fdeployments", "%2F%2F", "pods.", Requirements(500, i => $"r{i}")],
    };

    private IEnumerable<string> BadContinueTokens()
    {
        yield return "not-a-token";
        yield return "";
        yield return "%25%25%25";
        yield return "AAAA";
        yield return new string('A', 5000);
        yield return "%ED%A0%80";
        yield return "%00";
        yield return Base64Url("{}");
        yield return Base64Url("[]");
        yield return Base64Url("null");
        yield return Base64Url("{\"s\":1,\"k\":2}");
        yield return Base64Url("{\"s\":\"x\",\"k\":[\"\\ud800\"]}");
        yield return Base64Url(new string('[', 10000));
        foreach (var token in context.ContinueTokens)
        {
            foreach (var mutated in MutateToken(token))
            {
                yield return mutated;
            }
        }
    }

    private static string Base64Url(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    /// <summary>A real token with each sort value replaced by something out of range or of the wrong type.</summary>
    private static IEnumerable<string> MutateToken(string token)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token)) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            yield break;
        }

        if (root?["k"] is not JsonArray keys)
        {
            yield break;
        }

        string[] replacements =
        [
            "\"\\ud800\"", "\"\\udfff x\"", "9223372036854775807", "-9223372036854775808", "1e300", "99999999999999999999999",
            "-1", "null", "{}", "[]", "true", "\"" + new string('z', 3000) + "\"", "253402300800000", "-62135596800001",
        ];
        for (var i = 0; i < keys.Count; i++)
        {
            foreach (var replacement in replacements)
            {
                var values = keys.Select((k, j) => j == i ? replacement : k?.ToJsonString() ?? "null");
                var json = $"{{\"s\":{root["s"]?.ToJsonString() ?? "null"},\"k\":[{string.Join(',', values)}]}}";
                yield return Base64Url(json);
            }
        }

        yield return Base64Url($"{{\"s\":{root["s"]?.ToJsonString()},\"k\":[]}}");
        yield return token[..(token.Length / 2)];
        yield return token + "A";
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private void QueryCase()
    {
        var values = QueryValues();
        var keys = values.Keys.ToList();
        var paths = ListPaths();
        var path = _random.Next(6) == 0 ? Pick(OtherGetPaths()) : Pick(paths);
        var count = 1 + _random.Next(3);
        var parts = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var key = _random.Next(12) == 0 ? RandomText(8) : Pick(keys);
            var value = values.TryGetValue(key, out var options) ? Pick(options) : RandomText(20);
            parts.Add(key + "=" + value);
        }

        var query = string.Join('&', parts);
        var streams = parts.Any(p => p.StartsWith("watch=", StringComparison.Ordinal)) || path.Contains("/watch/", StringComparison.Ordinal);
        Add(new HostileCase("query:" + string.Join('+', parts.Select(p => p.Split('=')[0]).Select(k => values.ContainsKey(k) ? k : "random-key").Distinct()), Short(query), "GET", path + "?" + query, _noHeaders, null, null, Streams: streams));
    }

    /// <summary>Percent-encoded random text over ASCII, control characters, multi-byte UTF-8 and invalid bytes.</summary>
    private string RandomText(int maxLength)
    {
        var sb = new StringBuilder();
        var length = 1 + _random.Next(maxLength);
        for (var i = 0; i < length; i++)
        {
            switch (_random.Next(5))
            {
                case 0:
                    sb.Append((char)('a' + _random.Next(26)));
                    break;
                case 1:
                    sb.Append('%').Append(_random.Next(256).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case 2:
                    sb.Append(Uri.EscapeDataString(char.ConvertFromUtf32(0x80 + _random.Next(0xD800 - 0x80))));
                    break;
                case 3:
                    sb.Append("%ED%A0%80");
                    break;
                default:
                    sb.Append(Pick(new[] { "%3D", "%2C", "%28", "%29", "!", "%20", "%2F", "~", "%25", "%22" }));
                    break;
            }
        }

        return sb.ToString();
    }

    private static string Short(string text) => text.Length > 120 ? text[..120] + $"…({text.Length} chars)" : text;

    // ---- headers ----------------------------------------------------------------------------------------------

    private static readonly string[] _accepts =
    [
        "application/json;as=Table;v=v1;g=meta.k8s.io",
        "application/json;as=Table;v=v1beta1;g=meta.k8s.io",
        "application/json;as=Table;v=v9;g=meta.k8s.io",
        "application/json;as=Table",
        "application/json;as=Table;g=meta.k8s.io;v=v1, application/json",
        "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
        "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io",
        "application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io",
        "application/json;as=Bogus;v=v1;g=x",
        "application/vnd.kubernetes.protobuf",
        "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io",
        "application/yaml",
        "text/html",
        "*/*",
        "*/*;q=0",
        "application/json;q=0",
        "application/json;q=abc",
        ";;;",
        "",
        "application/json;as=Table;v=v1;g=meta.k8s.io;" + new string('x', 8000),
        string.Join(",", Enumerable.Repeat("application/json;as=Table;v=v1;g=meta.k8s.io", 200)),
        "application/json;as=\"Table\"",
        "application/json;as=Table;v=v1;g=meta.k8s.io;includeObject=Object",
        "application/json; charset=utf-16",
    ];

    private void AcceptCase()
    {
        var accept = Pick(_accepts);
        var path = _random.Next(3) == 0 ? Pick(OtherGetPaths()) : Pick(ListPaths());
        var query = _random.Next(2) == 0 ? "?limit=2" : _random.Next(2) == 0 ? "?includeObject=Object" : "";
        Add(new HostileCase("header:accept", Short(accept), "GET", path + query, [new("Accept", accept)], null, null));
    }

    // ---- writes ---------------------------------------------------------------------------------------------

    private static readonly string[] _contentTypes =
    [
        _json, _json, _json, _yaml, _yaml, "application/vnd.kubernetes.protobuf", "foo/bar", "", "application/json; charset=utf-16",
        "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml",
        "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", ";;;", "application/json;charset=\"",
    ];

    private void WriteCase(int i)
    {
        var kind = _random.Next(3);
        var (list, objectJson) = kind switch
        {
            0 => (_pc2, context.PediaClusterJson),
            1 => (_csr, $$$"""{"apiVersion":"cluster.clusterpedia.io/v1alpha2","kind":"ClusterSyncResources","metadata":{"name":"{{{context.Target}}}"},"spec":{"syncResources":[{"group":"apps","resources":["deployments"]}]}}"""),
            _ => (_pc1, context.PediaClusterJson.Replace("cluster.clusterpedia.io/v1alpha2", "clusters.clusterpedia.io/v1alpha1", StringComparison.Ordinal)),
        };
        var method = Pick(new[] { "POST", "POST", "PUT", "PUT", "PATCH", "PATCH", "PATCH", "DELETE" });
        var name = _random.Next(4) switch
        {
            0 => context.Cluster,
            1 => "hostile-gen-" + i,
            _ => context.Target,
        };
        var path = method == "POST" ? list : list + "/" + name;
        if (method is "PUT" or "PATCH" && kind != 1 && _random.Next(4) == 0)
        {
            path += "/status";
        }

        // The member's own cluster is only ever written in dry-run, so the sync under test keeps running.
        var query = new List<string>();
        if (name == context.Cluster || _random.Next(3) > 0)
        {
            query.Add("dryRun=All");
        }

        var contentType = method == "PATCH" && _random.Next(3) > 0
            ? Pick(new[] { "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml" })
            : Pick(_contentTypes);
        if (contentType == "application/apply-patch+yaml" && _random.Next(3) > 0)
        {
            query.Add("fieldManager=" + (_random.Next(4) == 0 ? RandomText(10) : "corpus"));
        }

        if (_random.Next(10) == 0)
        {
            query.Add(Pick(new[] { "propagationPolicy=Bogus", "gracePeriodSeconds=-5", "fieldValidation=Garbage", "fieldValidation=Strict", "force=yes", "dryRun=Some" }));
        }

        var objectWithName = objectJson.Replace("\"name\":\"" + context.Target + "\"", "\"name\":\"" + name + "\"", StringComparison.Ordinal)
            .Replace("\"name\":\"" + context.Cluster + "\"", "\"name\":\"" + name + "\"", StringComparison.Ordinal);
        var (input, body) = contentType switch
        {
            "application/json-patch+json" => JsonPatchBody(),
            "application/vnd.kubernetes.protobuf" => ("protobuf garbage", [.. "k8s\0"u8.ToArray(), .. RandomBytes(200)]),
            _ when contentType.Contains("yaml", StringComparison.Ordinal) => YamlBody(objectWithName),
            _ => ObjectBody(objectWithName),
        };
        var fullPath = path + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        Add(new HostileCase($"body:{method}:{(contentType.Length == 0 ? "missing" : contentType.Split(';')[0])}", input, method, fullPath, _noHeaders, contentType.Length == 0 ? null : contentType, body));
    }

    private byte[] RandomBytes(int max)
    {
        var bytes = new byte[1 + _random.Next(max)];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A valid object with one hostile change: a wrong type in metadata, bad bytes, truncation, nesting.</summary>
    private (string Input, byte[] Body) ObjectBody(string objectJson)
    {
        var utf8 = Encoding.UTF8.GetBytes(objectJson);
        switch (_random.Next(8))
        {
            case 0:
            case 1:
            case 2:
                {
                    var (field, value) = Pick(_metadataMutations);
                    var node = JsonNode.Parse(objectJson)!.AsObject();
                    if (field.Length == 0)
                    {
                        node["metadata"] = _placeholder;
                    }
                    else if (field.StartsWith('/'))
                    {
                        node[field[1..]] = _placeholder;
                    }
                    else
                    {
                        node["metadata"]![field] = _placeholder;
                    }

                    return ($"{(field.Length == 0 ? "metadata" : field.StartsWith('/') ? field[1..] : "metadata." + field)}: {Short(value)}", Encoding.UTF8.GetBytes(node.ToJsonString().Replace("\"" + _placeholder + "\"", value, StringComparison.Ordinal)));
                }

            case 3:
                {
                    var cut = _random.Next(utf8.Length);
                    return ($"truncated at {cut} of {utf8.Length}", utf8[..cut]);
                }

            case 4:
                {
                    var bad = Pick(new byte[][] { [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x00] });
                    var at = objectJson.IndexOf("\"team\":\"a", StringComparison.Ordinal) + 8;
                    return ($"invalid UTF-8 {Convert.ToHexString(bad)} in a label value", [.. utf8[..at], .. bad, .. utf8[at..]]);
                }

            case 5:
                {
                    var depth = Pick(new[] { 65, 200, 1000, 5000, 100_000 });
                    var nested = _random.Next(2) == 0
                        ? new string('[', depth) + new string(']', depth)
                        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                    var at = objectJson.IndexOf("\"team\":\"a\"", StringComparison.Ordinal) + 7;
                    return ($"JSON nested {depth} deep in a label value", Encoding.UTF8.GetBytes(objectJson[..at] + nested + objectJson[(at + 3)..]));
                }

            case 6:
                return Pick(new (string, byte[])[]
                {
                    ("empty body", []),
                    ("null", "null"u8.ToArray()),
                    ("array", "[]"u8.ToArray()),
                    ("string", "\"x\""u8.ToArray()),
                    ("number", "1e400"u8.ToArray()),
                    ("BOM + object", [0xEF, 0xBB, 0xBF, .. utf8]),
                    ("duplicate metadata", Encoding.UTF8.GetBytes(objectJson.TrimEnd()[..^1] + ",\"metadata\":{\"name\":1}}")),
                    ("trailing garbage", [.. utf8, .. "}}}garbage"u8.ToArray()]),
                    ("UTF-16 bytes", Encoding.Unicode.GetBytes(objectJson)),
                    ("lone surrogate escape in name", Encoding.UTF8.GetBytes(objectJson.Replace("\"team\":\"a\"", "\"team\":\"\\ud800\"", StringComparison.Ordinal))),
                    ("NUL escape in label key", Encoding.UTF8.GetBytes(objectJson.Replace("\"team\"", "\"te\\u0000am\"", StringComparison.Ordinal))),
                    ("comment", Encoding.UTF8.GetBytes("/* c */" + objectJson)),
                });

            default:
                return ("random bytes", RandomBytes(500));
        }
    }

    // Spliced in as text after serialising, so values JsonNode cannot hold (a lone surrogate) still go out.
    private const string _placeholder = "HOSTILE-MUTATION-PLACEHOLDER";

    private static readonly (string Field, string Value)[] _metadataMutations =
    [
        ("name", "1"), ("name", "null"), ("name", "[]"), ("name", "{}"), ("name", "\"" + new string('a', 300) + "\""), ("name", "\"\\ud800\""),
        ("labels", "[1]"), ("labels", "{\"a\":1}"), ("labels", "\"x\""), ("labels", "{\"a\":{\"b\":1}}"), ("labels", "{\"\":\"x\"}"),
        ("annotations", "{\"a\":{\"b\":1}}"), ("annotations", "[]"), ("annotations", "{\"a\":null}"), ("annotations", "{\"a\":\"" + new string('x', 300_000) + "\"}"),
        ("finalizers", "[1]"), ("finalizers", "\"x\""), ("finalizers", "[null]"), ("finalizers", "[{}]"), ("finalizers", "[\"a\",\"a\"]"),
        ("ownerReferences", "\"x\""), ("ownerReferences", "[1]"), ("ownerReferences", "[{\"uid\":5}]"),
        ("resourceVersion", "5"), ("resourceVersion", "\"abc\""), ("resourceVersion", "\"99999999999999999999\""), ("uid", "[]"), ("generation", "\"x\""),
        ("generation", "1e300"), ("creationTimestamp", "\"garbage\""), ("creationTimestamp", "5"), ("deletionTimestamp", "5"),
        ("deletionTimestamp", "\"2020-01-01T00:00:00Z\""), ("deletionGracePeriodSeconds", "\"x\""), ("managedFields", "1"), ("managedFields", "[{\"fieldsV1\":5}]"),
        ("namespace", "7"), ("namespace", "\"default\""), ("generateName", "5"),
        ("", "null"), ("", "[]"), ("", "\"x\""), ("", "5"),
        ("/apiVersion", "5"), ("/kind", "[]"), ("/spec", "\"x\""), ("/spec", "null"), ("/status", "5"), ("/status", "{\"conditions\":\"x\"}"),
    ];

    private (string Input, byte[] Body) YamlBody(string objectJson)
    {
        var choices = new (string, string)[]
        {
            ("flow-style JSON as YAML", objectJson),
            ("YAML tags", "metadata: !!binary aGVsbG8=\nspec: !!python/object:os.system ls\n"),
            ("undefined alias", "metadata: *nope\n"),
            ("merge keys", "base: &b {name: x}\nmetadata:\n  <<: *b\n  labels: {a: 1}\n"),
            ("two documents", "metadata: {name: a}\n---\nmetadata: {name: b}\n"),
            ("tabs", "metadata:\n\tname: x\n"),
            ("complex key", "? [a, b]\n: c\nmetadata: {name: x}\n"),
            ("huge int", "metadata: {name: x, generation: 99999999999999999999999999999}\n"),
            ("name as int", "apiVersion: cluster.clusterpedia.io/v1alpha2\nkind: PediaCluster\nmetadata: {name: 1}\nspec: {apiserver: https://a}\n"),
            ("finalizers as ints", "metadata: {name: hostile-yaml, finalizers: [1, 2]}\nspec: {apiserver: https://a}\n"),
            ("labels as list", "metadata: {name: hostile-yaml, labels: [a, b]}\nspec: {apiserver: https://a}\n"),
            ("deep flow 500", "spec: " + new string('[', 500) + new string(']', 500) + "\n"),
            ("deep flow 5000", "spec: " + new string('[', 5000) + new string(']', 5000) + "\n"),
            ("deep block 300", string.Concat(Enumerable.Range(0, 300).Select(i => new string(' ', i) + "a:\n")) + new string(' ', 300) + "b: 1\n"),
            ("invalid UTF-8", "metadata: {name: \"\xFF\"}\n"),
            ("NUL", "metadata: {name: \"a\0b\"}\n"),
            ("unclosed quote", "metadata: {name: \"abc\n"),
            ("small alias fan-out", "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nmetadata: {name: hostile-yaml, annotations: {x: y}}\nspec: {apiserver: https://a, extra: *b}\n"),
            ("truncated", objectJson[..(objectJson.Length / 3)]),
            ("empty", ""),
            ("only comment", "# nothing\n"),
            ("directive", "%YAML 9.9\n---\nmetadata: {}\n"),
        };
        var (input, text) = Pick(choices);
        return ("yaml " + input, input == "invalid UTF-8" ? [.. "metadata: {name: \""u8.ToArray(), 0xFF, .. "\"}\n"u8.ToArray()] : Encoding.UTF8.GetBytes(text));
    }

    private (string Input, byte[] Body) JsonPatchBody()
    {
        var choices = new (string, string)[]
        {
            ("op not a string", "[{\"op\":1,\"path\":\"/metadata/labels/a\",\"value\":\"b\"}]"),
            ("op null", "[{\"op\":null,\"path\":\"/a\"}]"),
            ("path not a string", "[{\"op\":\"add\",\"path\":5,\"value\":1}]"),
            ("path missing", "[{\"op\":\"add\",\"value\":1}]"),
            ("value missing", "[{\"op\":\"add\",\"path\":\"/metadata/labels/a\"}]"),
            ("finalizer number", "[{\"op\":\"add\",\"path\":\"/metadata/finalizers\",\"value\":[1]}]"),
            ("label number", "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"a\":1}}]"),
            ("name number", "[{\"op\":\"replace\",\"path\":\"/metadata/name\",\"value\":1}]"),
            ("huge index", "[{\"op\":\"add\",\"path\":\"/spec/syncResources/99999999999\",\"value\":{}}]"),
            ("negative index", "[{\"op\":\"add\",\"path\":\"/spec/syncResources/-2\",\"value\":{}}]"),
            ("bad escape", "[{\"op\":\"add\",\"path\":\"/metadata/labels/a~2b\",\"value\":\"x\"}]"),
            ("move from missing", "[{\"op\":\"move\",\"from\":\"/nope\",\"path\":\"/spec/x\"}]"),
            ("copy into itself", "[{\"op\":\"copy\",\"from\":\"/spec\",\"path\":\"/spec/x\"}]"),
            ("test fails", "[{\"op\":\"test\",\"path\":\"/spec/apiserver\",\"value\":\"nope\"}]"),
            ("unknown op", "[{\"op\":\"explode\",\"path\":\"/spec\"}]"),
            ("remove metadata", "[{\"op\":\"remove\",\"path\":\"/metadata\"}]"),
            ("replace root", "[{\"op\":\"replace\",\"path\":\"\",\"value\":5}]"),
            ("deep path", "[{\"op\":\"add\",\"path\":\"" + string.Concat(Enumerable.Repeat("/a", 5000)) + "\",\"value\":1}]"),
            ("10000 ops", "[" + string.Join(',', Enumerable.Range(0, 10000).Select(i => $"{{\"op\":\"add\",\"path\":\"/metadata/labels/k{i}\",\"value\":\"v\"}}")) + "]"),
            ("object not array", "{\"op\":\"add\"}"),
            ("array of numbers", "[1,2,3]"),
            ("deep value", "[{\"op\":\"add\",\"path\":\"/spec/x\",\"value\":" + new string('[', 3000) + new string(']', 3000) + "}]"),
            ("lone surrogate value", "[{\"op\":\"add\",\"path\":\"/metadata/labels/a\",\"value\":\"\\ud800\"}]"),
        };
        var (input, text) = Pick(choices);
        return ("json-patch " + input, Encoding.UTF8.GetBytes(text));
    }

    // ---- hand-picked ------------------------------------------------------------------------------------------

    private void HandPicked()
    {
        // Bodies that blew up on main: the deep YAML overflowed the stack, the alias bomb expanded to ~2 GB.
        var deepYaml = Encoding.ASCII.GetBytes("spec: " + new string('[', 30_000) + new string(']', 30_000) + "\n");
        Add(new HostileCase("body:deep-yaml", "spec: [[[… 30,000 levels", "POST", _pc2, _noHeaders, _yaml, deepYaml, ExpectClientError: true, Serial: true));
        Add(new HostileCase("body:deep-yaml", "spec: [[[… 30,000 levels", "PUT", _pc2 + "/" + context.Target + "?dryRun=All", _noHeaders, _yaml, deepYaml, ExpectClientError: true, Serial: true));
        Add(new HostileCase("body:deep-yaml", "apply patch, 30,000 levels", "PATCH", _pc2 + "/" + context.Target + "?dryRun=All&fieldManager=corpus", _noHeaders, "application/apply-patch+yaml", deepYaml, ExpectClientError: true, Serial: true));
        var depthBlock = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => new string(' ', i) + "a:\n")) + "\n");
        Add(new HostileCase("body:deep-yaml", "block mapping 3,000 levels", "POST", _pc2 + "?dryRun=All", _noHeaders, _yaml, depthBlock, Serial: true));
        var bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 1; level < 7; level++)
        {
            var previous = (char)('a' + level - 1);
            var current = (char)('a' + level);
            bomb.Append(current).Append(": &").Append(current).Append(" [").Append(string.Join(',', Enumerable.Repeat("*" + previous, 10))).Append("]\n");
        }

        bomb.Append("metadata: {name: bomb}\nspec: {apiserver: \"https://a\", x: *g}\n");
        Add(new HostileCase("body:alias-bomb", $"7 levels x10 aliases, {bomb.Length} bytes", "POST", _pc2 + "?dryRun=All", _noHeaders, _yaml, Encoding.ASCII.GetBytes(bomb.ToString()), ExpectClientError: true, Serial: true));
        Add(new HostileCase("body:alias-bomb", "as apply patch", "PATCH", _pc2 + "/" + context.Target + "?dryRun=All&fieldManager=corpus", _noHeaders, "application/apply-patch+yaml", Encoding.ASCII.GetBytes(bomb.ToString()), ExpectClientError: true, Serial: true));

        // Over any sane size limit (kube-apiserver: ~3 MB per request): must be 413, never stored or echoed.
        var huge = context.PediaClusterJson.Replace("\"team\":\"a\"", "\"team\":\"a\",\"pad\":\"" + new string('x', 16 << 20) + "\"", StringComparison.Ordinal);
        Add(new HostileCase("body:over-size", "16 MB PediaCluster", "POST", _pc2 + "?dryRun=All", _noHeaders, _json, Encoding.UTF8.GetBytes(huge.Replace(context.Target, "hostile-huge", StringComparison.Ordinal)), ExpectClientError: true));
        Add(new HostileCase("body:over-size", "16 MB merge patch", "PATCH", _pc2 + "/" + context.Target + "?dryRun=All", _noHeaders, "application/merge-patch+json",
            Encoding.UTF8.GetBytes("{\"metadata\":{\"annotations\":{\"x\":\"" + new string('x', 16 << 20) + "\"}}}"), ExpectClientError: true));
        Add(new HostileCase("body:over-size", "16 MB YAML", "POST", _pc2 + "?dryRun=All", _noHeaders, _yaml,
            Encoding.UTF8.GetBytes("metadata: {name: big}\nspec: {apiserver: \"https://a\", pad: \"" + new string('x', 16 << 20) + "\"}\n"), ExpectClientError: true));
        Add(new HostileCase("body:over-size", "16 MB body on a search path", "POST", _search + "/api/v1/pods", _noHeaders, _json, new byte[16 << 20], ExpectClientError: true));
        Add(new HostileCase("body:over-size", "4 MB PediaCluster", "POST", _pc2 + "?dryRun=All", _noHeaders, _json,
            Encoding.UTF8.GetBytes(context.PediaClusterJson.Replace("\"team\":\"a\"", "\"team\":\"a\",\"pad\":\"" + new string('x', 4 << 20) + "\"", StringComparison.Ordinal))));

        // A PediaCluster whose finalizers are numbers, created for real and then deleted: must be refused, or at
        // least never poison the reconcile of others (the health check after the corpus syncs a new cluster).
        var poisoned = context.PediaClusterJson.Replace("\"labels\":{\"team\":\"a\"}", "\"finalizers\":[1]", StringComparison.Ordinal)
            .Replace("\"name\":\"" + context.Target + "\"", "\"name\":\"hostile-poison\"", StringComparison.Ordinal);
        Add(new HostileCase("metadata:wrong-type", "finalizers: [1], created for real", "POST", _pc2, _noHeaders, _json, Encoding.UTF8.GetBytes(poisoned), ExpectClientError: true, Serial: true));
        Add(new HostileCase("metadata:wrong-type", "delete of the finalizers: [1] cluster", "DELETE", _pc2 + "/hostile-poison", _noHeaders, null, null, Serial: true));

        // Methods.
        foreach (var method in new[] { "OPTIONS", "HEAD", "TRACE", "PROPFIND", "FOO", "PATCH", "PUT", "DELETE", "POST" })
        {
            foreach (var path in new[] { _search + "/api/v1/pods", _collections + "/workloads", "/apis", "/version", "/readyz", _pc2 + "/" + context.Target + "/status/extra" })
            {
                Add(new HostileCase("method", method, method, path + (method is "PUT" or "DELETE" or "PATCH" or "POST" ? "?dryRun=All" : ""), _noHeaders,
                    method is "PATCH" ? "application/merge-patch+json" : null, method is "PATCH" or "PUT" or "POST" ? "{}"u8.ToArray() : null));
            }
        }

        // Paths.
        foreach (var path in new[]
        {
            _search + "/clusters/" + context.Cluster + "/api/v1/namespaces/" + context.PodNamespace + "/pods/" + context.PodName + "/log",
            _search + "/clusters//api/v1/pods", _search + "/clusters/%2E%2E/api/v1/pods", _search + "/api/v1/namespaces//pods",
            _search + "/api/v1/namespaces/%ED%A0%80/pods", _search + "/apis/" + new string('g', 5000) + "/v1/x", _search + "/api/v1/" + new string('r', 3000),
            _search + "/apis/apps/v1/namespaces/a/deployments/b/scale", _search + "/api/v1/namespaces/a/pods/b/status/extra/more",
            _search + "/clusters/%00/api/v1/pods", _search + "/api/v1/pods%3Fwatch%3D1", _pc2 + "/%ED%A0%80", _pc2 + "/a/b/c", _pc2 + "/" + new string('n', 5000),
            _csr + "/" + context.Target + "/status", _pc1 + "/" + context.Target + "/scale", "/apis/cluster.clusterpedia.io/v9/pediaclusters",
            "/apis/clusterpedia.io/v1beta1/collectionresources/workloads/extra", "/openapi/v3/" + new string('x', 3000), "/%ED%A0%80",
        })
        {
            // Kestrel refuses a NUL in the decoded path before routing.
            Add(new HostileCase("path", Short(path), "GET", path, _noHeaders, null, null, ProtocolLevel: path.Contains("%00", StringComparison.Ordinal)));
        }

        // Headers HttpClient can carry: a huge one (Kestrel answers 431 before the app), many, odd encodings.
        Add(new HostileCase("header:huge", "64 KB header", "GET", _search + "/api/v1/pods", [new("X-Junk", new string('x', 64 * 1024))], null, null, ProtocolLevel: true));
        Add(new HostileCase("header:huge", "16 KB Accept", "GET", _search + "/api/v1/pods", [new("Accept", "application/json;" + new string('x', 16 * 1024))], null, null));
        Add(new HostileCase("header:many", "300 headers", "GET", _search + "/api/v1/pods", [.. Enumerable.Range(0, 300).Select(i => new KeyValuePair<string, string>("X-H" + i, "v"))], null, null, ProtocolLevel: true));
        // Kestrel refuses header bytes outside ASCII before any application code runs.
        Add(new HostileCase("header:auth", "Latin-1 bytes in Authorization", "GET", _search + "/api/v1/pods", [new("Authorization", "Bearer \u00ff\u00fe")], null, null, ProtocolLevel: true));
        Add(new HostileCase("header:impersonate", "Impersonate-User", "GET", _pc2, [new("Impersonate-User", "system:admin")], null, null));
        Add(new HostileCase("header:accept-encoding", "gzip;q=abc", "GET", _search + "/api/v1/pods?limit=2", [new("Accept-Encoding", "gzip;q=abc, br, zstd")], null, null));
        Add(new HostileCase("header:content-length", "Content-Type on a GET", "GET", _search + "/api/v1/pods", _noHeaders, "application/json", "{"u8.ToArray()));

        // Watches with extreme timeouts and odd booleans, on search and on our own objects.
        foreach (var path in new[] { _search + "/api/v1/pods", _search + "/clusters/" + context.Cluster + "/apis/apps/v1/deployments", _pc2, _csr, _pc1, _collections + "/workloads" })
        {
            foreach (var query in new[] { "watch=1&timeoutSeconds=4294968", "watch=True&timeoutSeconds=1", "watch=yes", "watch=1&timeoutSeconds=-1", "watch=1&resourceVersion=abc", "watch=1&resourceVersion=1", "watch=1&resourceVersion=99999999999999999999" })
            {
                Add(new HostileCase("watch", query, "GET", path + "?" + query, _noHeaders, null, null, Streams: true));
            }
        }
    }

    // ---- raw sockets ------------------------------------------------------------------------------------------

    private void RawSocketCases()
    {
        const string Json = "{\"metadata\":{\"name\":\"x\"}}";
        void Raw(string input, string request, bool protocolLevel = false) =>
            Add(new HostileCase("raw:" + (protocolLevel ? "framing" : "body-framing"), input, request.Split(' ')[0], request.Split(' ').ElementAtOrDefault(1) ?? "", _noHeaders, null, null,
                Raw: Encoding.Latin1.GetBytes(request), ProtocolLevel: protocolLevel, HangsUp: input.EndsWith("then EOF", StringComparison.Ordinal)));

        var post = $"POST {_pc2}?dryRun=All HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n";
        Raw("chunk size not hex", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + Json + "\r\n0\r\n\r\n");
        Raw("chunk size overflows", post + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n");
        Raw("chunk shorter than declared, then EOF", post + "Transfer-Encoding: chunked\r\n\r\n100\r\n" + Json);
        Raw("chunk without CRLF after data", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcXX0\r\n\r\n");
        Raw("garbage chunk extension", post + "Transfer-Encoding: chunked\r\n\r\n3;\0\0\0\r\nabc\r\n0\r\n\r\n");
        Raw("no terminating chunk, then EOF", post + "Transfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n");
        Raw("Content-Length longer than body, then EOF", post + "Content-Length: 1000\r\n\r\n" + Json);
        Raw("chunked body on a search GET", $"GET {_search}/api/v1/pods HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        Raw("chunked PATCH with bad chunk", $"PATCH {_pc2}/{context.Target}?dryRun=All HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/merge-patch+json\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n-1\r\n\r\n");
        Raw("Content-Length and chunked", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", protocolLevel: true);
        Raw("negative Content-Length", post + "Content-Length: -5\r\n\r\n", protocolLevel: true);
        Raw("two different Content-Length", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef", protocolLevel: true);
        Raw("garbage request line", "GARBAGE\r\n\r\n", protocolLevel: true);
        Raw("header without colon", $"GET {_search}/api/v1/pods HTTP/1.1\r\nHost: 127.0.0.1\r\nNoColonHere\r\n\r\n", protocolLevel: true);
        Raw("raw 0xFF in path", $"GET {_search}/api/v1/namespaces/\xFF\xFE/pods HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", protocolLevel: true);
        Raw("request line of 100 KB", $"GET {_search}/api/v1/pods?labelSelector={new string('a', 100_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", protocolLevel: true);
        Raw("NUL in a header value", $"GET {_search}/api/v1/pods HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: a\0b\r\n\r\n", protocolLevel: true);
        Raw("unknown Transfer-Encoding", post + "Transfer-Encoding: gzip, chunked, rot13\r\n\r\n0\r\n\r\n", protocolLevel: true);
        Raw("HTTP/1.0 without Host", $"GET {_search}/api/v1/pods?limit=1 HTTP/1.0\r\n\r\n");
        Raw("Expect 100-continue, no body, then EOF", post + "Content-Length: 10\r\nExpect: 100-continue\r\n\r\n");
    }

    private void Add(HostileCase c) => _cases.Add(c);
}
