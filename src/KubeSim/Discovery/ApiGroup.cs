namespace Clusterpedia.KubeSim.Discovery;

/// <summary>An API group with its versions, preferred version first (the server's priority order).</summary>
internal sealed record ApiGroup(string Name, IReadOnlyList<ApiGroupVersion> Versions)
{
    public ApiGroupVersion PreferredVersion => Versions[0];
}
