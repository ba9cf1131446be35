using System.Globalization;
using Clusterpedia.Kube.Selectors;
using Clusterpedia.Kube.Server;
using Clusterpedia.KubeSim.Discovery;
using Clusterpedia.KubeSim.Storage;

namespace Clusterpedia.KubeSim.Http;

/// <summary>The list and watch query parameters of one request, validated like kube-apiserver validates them.</summary>
internal sealed class ListQuery
{
    private ListQuery(LabelSelector labels, FieldTerms fields)
    {
        Labels = labels;
        Fields = fields;
    }

    public LabelSelector Labels { get; }

    public FieldTerms Fields { get; }

    public string? ResourceVersion { get; private init; }

    public string? ResourceVersionMatch { get; private init; }

    public int Limit { get; private init; }

    public string? Continue { get; private init; }

    public bool Watch { get; private init; }

    /// <summary>timeoutSeconds and allowWatchBookmarks, read only on a watch (as kube-apiserver ignores them on a list).</summary>
    public WatchParameters WatchParameters { get; private init; } = new();

    public bool AllowWatchBookmarks => WatchParameters.AllowWatchBookmarks;

    public bool? SendInitialEvents { get; private init; }

    public Func<ObjectVersion, bool>? Filter =>
        Labels.IsEmpty && Fields.IsEmpty ? null : item => Labels.Matches(item.Labels) && Fields.Matches(item.Fields);

    public bool Matches(ObjectVersion item) => Labels.Matches(item.Labels) && Fields.Matches(item.Fields);

    public static ListQuery Parse(IQueryCollection query, ApiResource resource)
    {
        LabelSelector labels;
        FieldTerms fields;
        try
        {
            labels = LabelSelector.Parse(query["labelSelector"]);
            fields = FieldTerms.Parse(query["fieldSelector"], key =>
                key is "metadata.name" or "metadata.namespace" || resource.SelectableFields.Contains(key, StringComparer.Ordinal));
        }
        catch (SelectorParseException e)
        {
            throw SimulatorApiException.BadRequest(e.Message);
        }
        var limit = 0;
        if (query.TryGetValue("limit", out var limitText) && !string.IsNullOrEmpty(limitText)
            && (!int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 0))
        {
            throw SimulatorApiException.BadRequest($"limit: Invalid value: \"{limitText}\": must be a non-negative integer");
        }

        var watch = IsTrue(query["watch"]);
        var watchParameters = new WatchParameters();
        if (watch)
        {
            try
            {
                watchParameters = WatchParameters.Parse(key => query[key]);
            }
            catch (FormatException e)
            {
                throw SimulatorApiException.BadRequest(e.Message);
            }
        }

        var result = new ListQuery(labels, fields)
        {
            ResourceVersion = NullIfEmpty(query["resourceVersion"]),
            ResourceVersionMatch = NullIfEmpty(query["resourceVersionMatch"]),
            Limit = limit,
            Continue = NullIfEmpty(query["continue"]),
            Watch = watch,
            WatchParameters = watchParameters,
            SendInitialEvents = query.ContainsKey("sendInitialEvents") ? IsTrue(query["sendInitialEvents"]) : null,
        };

        if (result.ResourceVersionMatch is not null)
        {
            if (result.ResourceVersionMatch is not ("NotOlderThan" or "Exact"))
            {
                throw SimulatorApiException.BadRequest(
                    $"resourceVersionMatch: Unsupported value: \"{result.ResourceVersionMatch}\": supported values: \"Exact\", \"NotOlderThan\"");
            }

            if (result.ResourceVersion is null && !result.Watch)
            {
                throw SimulatorApiException.BadRequest("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
            }
        }

        if (result.Continue is not null && result.ResourceVersion is not null && result.ResourceVersion != "0")
        {
            throw SimulatorApiException.BadRequest("specifying resource version is not allowed when using continue");
        }

        return result;
    }

    public long? ParsedResourceVersion()
    {
        if (ResourceVersion is null)
        {
            return null;
        }

        if (!long.TryParse(ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rv))
        {
            throw SimulatorApiException.BadRequest($"resourceVersion: Invalid value: \"{ResourceVersion}\": must be a non-negative integer");
        }

        return rv;
    }

    private static bool IsTrue(string? value) => value is "true" or "1" or "True";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
