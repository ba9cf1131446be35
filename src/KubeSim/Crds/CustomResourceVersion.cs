using System.Text.Json;
using Clusterpedia.Kube.Printing;

namespace Clusterpedia.KubeSim.Crds;

/// <summary>One entry of a CRD's <c>spec.versions</c>.</summary>
internal sealed record CustomResourceVersion(
    string Name,
    bool Served,
    bool Storage,
    JsonElement? Schema,
    IReadOnlyList<CustomColumn> PrinterColumns,
    bool HasStatus,
    bool HasScale);
