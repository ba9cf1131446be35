namespace Clusterpedia.ApiServer.Tests.Demo;

/// <summary>
/// A deployment as ScaleUpTests compares the store with the members: stored once, with the member's uid and
/// resourceVersion. Ordered ordinally field by field, so lists from kubectl compare as sequences.
/// </summary>
internal sealed record Deployment(string Cluster, string Namespace, string Name, string Uid, string ResourceVersion) : IComparable<Deployment>
{
    public int CompareTo(Deployment? other)
    {
        if (other is null)
        {
            return 1;
        }

        var order = string.CompareOrdinal(Cluster, other.Cluster);
        order = order != 0 ? order : string.CompareOrdinal(Namespace, other.Namespace);
        order = order != 0 ? order : string.CompareOrdinal(Name, other.Name);
        order = order != 0 ? order : string.CompareOrdinal(Uid, other.Uid);
        return order != 0 ? order : string.CompareOrdinal(ResourceVersion, other.ResourceVersion);
    }

    public override string ToString() => $"{Cluster}/{Namespace}/{Name} uid {Uid} rv {ResourceVersion}";
}
