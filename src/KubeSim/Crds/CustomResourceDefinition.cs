namespace Clusterpedia.KubeSim.Crds;

/// <summary>What the simulator needs of an apiextensions.k8s.io/v1 CustomResourceDefinition to serve its resource.</summary>
internal sealed record CustomResourceDefinition(
    string Name,
    string Group,
    string Plural,
    string Singular,
    string Kind,
    string ListKind,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    IReadOnlyList<CustomResourceVersion> Versions)
{
    public string GroupResource => $"{Plural}.{Group}";
}
