namespace Clusterpedia.Storage.Engine;

/// <summary>One column of the effective sort and its direction.</summary>
internal readonly record struct SortKey(SortColumn Column, bool Descending)
{
    public string Sql => Column switch
    {
        SortColumn.Cluster => "r.cluster",
        SortColumn.Namespace => "r.namespace",
        SortColumn.Name => "r.name",
        SortColumn.CreatedAt => "r.created_at",
        SortColumn.ResourceVersionLength => "length(r.resource_version)",
        SortColumn.ResourceVersion => "r.resource_version",
        SortColumn.Group => "r.\"group\"",
        SortColumn.Version => "r.version",
        SortColumn.Resource => "r.resource",
        _ => throw new InvalidOperationException($"unknown sort column {Column}"),
    };

    /// <summary>Numbers (unix milliseconds, lengths) travel as numbers in tokens; the rest as strings.</summary>
    public bool IsNumeric => Column is SortColumn.CreatedAt or SortColumn.ResourceVersionLength;

    /// <summary>A short stable name: tokens carry the sort they were made for.</summary>
    public string Signature => Column switch
    {
        SortColumn.Cluster => "c",
        SortColumn.Namespace => "ns",
        SortColumn.Name => "n",
        SortColumn.CreatedAt => "t",
        SortColumn.ResourceVersionLength => "rl",
        SortColumn.ResourceVersion => "rv",
        SortColumn.Group => "g",
        SortColumn.Version => "v",
        SortColumn.Resource => "r",
        _ => throw new InvalidOperationException($"unknown sort column {Column}"),
    } + (Descending ? "-" : "+");

    public object ValueOf(StoredResource resource) => Column switch
    {
        SortColumn.Cluster => resource.Cluster,
        SortColumn.Namespace => resource.Namespace,
        SortColumn.Name => resource.Name,
        SortColumn.CreatedAt => resource.CreatedAt.ToUnixTimeMilliseconds(),
        SortColumn.ResourceVersionLength => (long)resource.ResourceVersion.Length,
        SortColumn.ResourceVersion => resource.ResourceVersion,
        SortColumn.Group => resource.Group,
        SortColumn.Version => resource.Version,
        SortColumn.Resource => resource.Resource,
        _ => throw new InvalidOperationException($"unknown sort column {Column}"),
    };

    /// <summary>
    /// The sort of a query: the requested keys, then cluster, namespace, name ascending where not given, then group,
    /// version, resource when the search spans several types: always a total order, as keyset paging needs.
    /// </summary>
    public static IReadOnlyList<SortKey> For(IReadOnlyList<OrderByKey>? orderBy, bool spansTypes)
    {
        var keys = new List<SortKey>();
        var seen = new HashSet<OrderByField>();
        foreach (var key in orderBy ?? [])
        {
            if (!seen.Add(key.Field))
            {
                continue;
            }

            switch (key.Field)
            {
                case OrderByField.Cluster:
                    keys.Add(new(SortColumn.Cluster, key.Descending));
                    break;
                case OrderByField.Namespace:
                    keys.Add(new(SortColumn.Namespace, key.Descending));
                    break;
                case OrderByField.Name:
                    keys.Add(new(SortColumn.Name, key.Descending));
                    break;
                case OrderByField.CreatedAt:
                    keys.Add(new(SortColumn.CreatedAt, key.Descending));
                    break;
                case OrderByField.ResourceVersion:
                    keys.Add(new(SortColumn.ResourceVersionLength, key.Descending));
                    keys.Add(new(SortColumn.ResourceVersion, key.Descending));
                    break;
                default:
                    throw new InvalidQueryException("orderby", $"unsupported order field {(int)key.Field}: allowed are cluster, namespace, name, created_at, resource_version");
            }
        }

        foreach (var (field, column) in new[] { (OrderByField.Cluster, SortColumn.Cluster), (OrderByField.Namespace, SortColumn.Namespace), (OrderByField.Name, SortColumn.Name) })
        {
            if (seen.Add(field))
            {
                keys.Add(new(column, false));
            }
        }

        if (spansTypes)
        {
            keys.Add(new(SortColumn.Group, false));
            keys.Add(new(SortColumn.Version, false));
            keys.Add(new(SortColumn.Resource, false));
        }

        return keys;
    }
}
