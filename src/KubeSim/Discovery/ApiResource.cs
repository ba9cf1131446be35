namespace Clusterpedia.KubeSim.Discovery;

/// <summary>One servable resource of one group-version, as discovery describes it.</summary>
internal sealed record ApiResource
{
    public required string Group { get; init; }
    public required string Version { get; init; }
    /// <summary>Plural resource name, e.g. <c>deployments</c>.</summary>
    public required string Name { get; init; }
    public required string SingularName { get; init; }
    public required string Kind { get; init; }
    public required bool Namespaced { get; init; }
    public required IReadOnlyList<string> Verbs { get; init; }
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public string? StorageVersionHash { get; init; }
    public IReadOnlyList<ApiSubresource> Subresources { get; init; } = [];
    /// <summary>True for resources served from a CustomResourceDefinition: list items then carry apiVersion and kind.</summary>
    public bool IsCustom { get; init; }
    /// <summary>Field selectors this resource accepts beyond metadata.name and metadata.namespace.</summary>
    public IReadOnlyList<string> SelectableFields { get; init; } = [];

    /// <summary>A custom resource version's <c>schema.openAPIV3Schema</c>, when its CRD has one.</summary>
    public System.Text.Json.JsonElement? Schema { get; init; }

    /// <summary>A custom resource version's <c>additionalPrinterColumns</c>.</summary>
    public IReadOnlyList<Clusterpedia.Kube.Printing.CustomColumn> PrinterColumns { get; init; } = [];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Storage identity: every version of a group-resource shares one collection, as in etcd.</summary>
    public string GroupResource => Group.Length == 0 ? Name : $"{Name}.{Group}";

    public bool Supports(string verb) => Verbs.Contains(verb, StringComparer.Ordinal);
}
