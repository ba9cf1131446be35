using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Clusterpedia.Kube.Selectors;

/// <summary>
/// A parsed field selector: the Kubernetes grammar plus our enhanced forms (bracketed paths, in/notin, exists, !path).
/// </summary>
public sealed class FieldSelector
{
    private FieldSelector(IReadOnlyList<FieldRequirement> requirements)
    {
        Requirements = requirements;
    }

    /// <summary>The selector that matches every object.</summary>
    public static FieldSelector Everything { get; } = new([]);

    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    /// <exception cref="SelectorParseException">The text is not a valid field selector.</exception>
    public static FieldSelector Parse(string? text)
    {
        if (!TryParse(text, out var selector, out var error))
        {
            throw new SelectorParseException(error);
        }

        return selector;
    }

    public static bool TryParse(string? text, out FieldSelector selector, [NotNullWhen(false)] out string? error)
    {
        selector = Everything;
        if (string.IsNullOrEmpty(text))
        {
            error = null;
            return true;
        }

        var requirements = FieldSelectorParser.Parse(text, out error);
        if (requirements is null)
        {
            error ??= "invalid field selector";
            return false;
        }

        if (requirements.Count != 0)
        {
            selector = new FieldSelector(requirements);
        }

        return true;
    }

    public static FieldSelector FromRequirements(IEnumerable<FieldRequirement> requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        var list = requirements.OrderBy(r => r.Path.ToString(), StringComparer.Ordinal).ToList();
        return list.Count == 0 ? Everything : new FieldSelector(list);
    }

    /// <summary>Evaluates every term against a JSON object (see <see cref="FieldRequirement.Matches"/>).</summary>
    public bool Matches(JsonElement obj)
    {
        foreach (var requirement in Requirements)
        {
            if (!requirement.Matches(obj))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => string.Join(",", Requirements);
}
