namespace Clusterpedia.Kube.Printing;

/// <summary>
/// One column of a meta.k8s.io/v1 Table, exactly as kube-apiserver declares it: <see cref="Name"/> in title case
/// ("Name", "Up-to-date"), <see cref="Type"/> an OpenAPI type name ("string", "integer", "boolean", "number", "date"),
/// <see cref="Format"/> "name" on the object-name column and "" elsewhere.
/// </summary>
public sealed record TableColumnDefinition(string Name, string Type, string Format, string Description, int Priority);
