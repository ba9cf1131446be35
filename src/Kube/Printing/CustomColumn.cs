namespace Clusterpedia.Kube.Printing;

/// <summary>One entry of a CRD version's <c>additionalPrinterColumns</c>.</summary>
public sealed record CustomColumn(string Name, string Type, string? Format, string? Description, int Priority, string JsonPath);
