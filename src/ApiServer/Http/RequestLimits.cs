using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Http;

/// <summary>
/// The limits on what a request may ask of the server, bound from the <c>Limits</c> configuration section and
/// validated at start. Each one is documented in docs/limits.md; a request over a limit gets a 4xx Status whose
/// message names the option (e.g. <c>Limits:MaxRequestBodyBytes</c>), so an operator knows what to raise.
/// </summary>
public sealed class RequestLimits
{
    public const string Section = "Limits";

    /// <summary>Largest request body, in bytes (kube-apiserver: 3 MiB). Larger bodies get 413.</summary>
    [Range(1024, int.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>
    /// Largest PediaCluster or ClusterSyncResources as stored, in bytes (etcd's default request limit is 1.5 MiB).
    /// Every list and every reconcile pass moves these objects, so they stay small. Larger objects get 413.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public long MaxObjectBytes { get; set; } = 1536 * 1024;

    /// <summary>
    /// How deeply objects and arrays may nest in a JSON or YAML body (and in the object a patch produces). Parsing
    /// stops at this depth, so hostile nesting can never exhaust the stack. The cap of 60 leaves room for the
    /// envelopes our objects are written in (watch events, lists) under System.Text.Json's default depth of 64,
    /// which every reader of a stored object uses.
    /// </summary>
    [Range(8, 60)]
    public int MaxBodyDepth { get; set; } = 32;

    /// <summary>
    /// How many nodes YAML aliases (<c>*anchor</c>) may add to a body in total when they are expanded. Caps the
    /// "billion laughs" amplification: a few hundred bytes of nested aliases could otherwise expand to gigabytes.
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxYamlAliasNodes { get; set; } = 10_000;

    /// <summary>Most operations in one JSON patch (kube-apiserver: 10000).</summary>
    [Range(1, 1_000_000)]
    public int MaxJsonPatchOperations { get; set; } = 10_000;

    /// <summary>Largest total size of metadata.annotations (keys and values), in bytes (kube-apiserver: 256 KiB).</summary>
    [Range(1024, int.MaxValue)]
    public int MaxAnnotationsBytes { get; set; } = 256 * 1024;
}

/// <summary>Checks <see cref="RequestLimits"/> at start (source-generated from its Range attributes).</summary>
[OptionsValidator]
internal sealed partial class RequestLimitsValidator : IValidateOptions<RequestLimits>;
