using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clusterpedia.ClusterSynchro.Clusters;

/// <summary>
/// The secret parts of a PediaCluster's spec (the same names in v1alpha1 and v1alpha2): what is hidden from callers
/// who may not update PediaClusters, kept out of the last-applied annotation and encrypted at rest. caData is a
/// public certificate and stays readable.
/// </summary>
public static class PediaClusterCredentials
{
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Names this annotation on a response whose credentials were removed: which fields, so nobody mistakes them for unset.</summary>
    public const string RedactedAnnotation = "clusterpedia.io/redacted-fields";

    public static IReadOnlyList<string> Fields { get; } = ["kubeconfig", "tokenData", "certData", "keyData"];

    /// <summary>
    /// Removes the credential fields from <c>spec</c> and names them in <see cref="RedactedAnnotation"/>; the object
    /// is changed in place. True when something was removed.
    /// </summary>
    public static bool Redact(JsonObject obj)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return false;
        }

        var removed = Fields.Where(spec.Remove).ToList();
        if (removed.Count == 0)
        {
            return false;
        }

        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        var annotations = metadata["annotations"] as JsonObject ?? [];
        metadata["annotations"] = annotations;
        annotations[RedactedAnnotation] = string.Join(',', removed.Select(f => "spec." + f));
        return true;
    }

    /// <summary>
    /// Removes the credential fields from the spec inside the last-applied annotation (changed in place). kubectl apply
    /// still works: a field missing from the last applied configuration but present in the new one and the live object
    /// with the same value makes no patch, and the next apply writes the annotation again (and it is stripped again).
    /// An annotation that is not a JSON object is left as it is: validation is not this method's job.
    /// </summary>
    public static void StripFromLastApplied(JsonObject obj)
    {
        if (JsonFields.Object(obj["metadata"], "annotations") is not { } annotations
            || JsonFields.Text(annotations[LastAppliedAnnotation]) is not { } text)
        {
            return;
        }

        JsonNode? applied;
        try
        {
            applied = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return;
        }

        if (applied is JsonObject appliedObj && appliedObj["spec"] is JsonObject spec && Fields.Any(f => spec.ContainsKey(f)))
        {
            foreach (var f in Fields)
            {
                spec.Remove(f);
            }

            annotations[LastAppliedAnnotation] = appliedObj.ToJsonString() + "\n";
        }
    }
}
