using System.Text.Json;

namespace Clusterpedia.Kube;

/// <summary>
/// How deep a Kubernetes object's JSON may nest wherever we read one (member list pages and watch events, stored
/// objects, responses). System.Text.Json stops at 64 by default, but a real apiserver serves custom resources with
/// <c>x-kubernetes-preserve-unknown-fields</c> nested far deeper; kube-apiserver's own JSON decoder allows 10,000
/// levels (k8s.io/apimachinery util/json), so that is our bound too. Every reader we use here is iterative, so the
/// bound costs memory proportional to the depth (a few bytes a level), never stack.
/// </summary>
public static class ObjectJsonLimits
{
    public const int MaxDepth = 10_000;

    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };
}
