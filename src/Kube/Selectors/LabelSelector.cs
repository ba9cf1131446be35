using System.Diagnostics.CodeAnalysis;

namespace Clusterpedia.Kube.Selectors;

/// <summary>
/// A parsed Kubernetes label selector: a conjunction of <see cref="LabelRequirement"/>s, sorted by key.
/// </summary>
public sealed class LabelSelector
{
    private LabelSelector(IReadOnlyList<LabelRequirement> requirements)
    {
        Requirements = requirements;
    }

    /// <summary>The selector that matches every object.</summary>
    public static LabelSelector Everything { get; } = new([]);

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    /// <summary>Parses the Kubernetes label selector grammar; null or blank means <see cref="Everything"/>.</summary>
    /// <exception cref="SelectorParseException">The text is not a valid selector; the message reads like the apiserver's.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (!TryParse(text, out var selector, out var error))
        {
            throw new SelectorParseException(error);
        }

        return selector;
    }

    public static bool TryParse(string? text, out LabelSelector selector, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(text))
        {
            selector = Everything;
            error = null;
            return true;
        }

        var requirements = LabelSelectorParser.Parse(text, out error);
        if (requirements is null)
        {
            selector = Everything;
            error ??= "unable to parse label selector";
            return false;
        }

        selector = requirements.Count == 0 ? Everything : new LabelSelector(requirements);
        return true;
    }

    /// <summary>A selector from requirements built elsewhere (e.g. <see cref="LabelRequirement.Create"/>).</summary>
    public static LabelSelector FromRequirements(IEnumerable<LabelRequirement> requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        var sorted = requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? Everything : new LabelSelector(sorted);
    }

    /// <summary>Whether the labels satisfy every requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var requirement in Requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The canonical form (requirements sorted by key, values sorted), as Kubernetes prints it.</summary>
    public override string ToString() => string.Join(",", Requirements);
}
