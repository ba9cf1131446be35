using Clusterpedia.Storage;

namespace Clusterpedia.ClusterSynchro.Workloads;

/// <summary>
/// Resolves an object's workload: the plugins first (a non-null, well-formed answer wins), then the built-in
/// <see cref="WorkloadRules"/>. A plugin answer whose kind or name is empty or longer than a column holds (kind 63,
/// name 253 characters) is ignored, so no plugin can make a write fail.
/// </summary>
public sealed class WorkloadResolver(IWorkloadPlugins plugins)
{
    public const int MaxKindLength = 63;
    public const int MaxNameLength = 253;

    public IWorkloadPlugins Plugins => plugins;

    /// <param name="resource">The object's resource (pods, replicasets, jobs, inplacesets).</param>
    /// <param name="name">The object's name.</param>
    /// <param name="controller">Its controlling owner, if any.</param>
    /// <param name="podTemplateHash">Its <c>pod-template-hash</c> label, if any.</param>
    /// <param name="metadataJson">Its <c>metadata</c> as UTF-8 JSON, what plugins receive.</param>
    public WorkloadColumns Resolve(string resource, string name, ControllerRef? controller, string? podTemplateHash, ReadOnlySpan<byte> metadataJson)
    {
        var builtIn = WorkloadRules.Resolve(resource, name, controller, podTemplateHash);
        if (plugins.Resolve(metadataJson) is { } answer
            && answer.Kind is { Length: > 0 and <= MaxKindLength } && answer.Name is { Length: > 0 and <= MaxNameLength })
        {
            // A plugin's answer is final for this object; a middle owner still hands it down to its pods.
            return new WorkloadColumns(answer.Kind, answer.Name, FollowsOwner: false, HandsDown: builtIn.HandsDown);
        }

        return builtIn;
    }
}
