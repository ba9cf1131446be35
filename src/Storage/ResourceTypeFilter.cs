namespace Clusterpedia.Storage;

/// <summary>
/// A set of resource types inside a collection search: a whole group (<c>apps</c>), a group at one version
/// (<c>apps/v1</c>), or one resource (<c>apps/deployments</c>, <c>apps/v1/deployments</c>; <c>/pods</c> is core).
/// </summary>
public sealed record ResourceTypeFilter(string Group, string? Version = null, string? Resource = null)
{
    /// <summary>Parses <c>group[/version][/resource]</c> as in Clusterpedia's <c>groups=</c> and <c>resources=</c>.</summary>
    /// <param name="text">The spec.</param>
    /// <param name="isResource">True for <c>resources=</c>: the last segment is the resource.</param>
    /// <param name="field">The key named in errors.</param>
    public static ResourceTypeFilter Parse(string text, bool isResource, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('/');
        if (parts.Any(p => p.Length > 253 || p.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))))
        {
            throw Invalid(text, isResource, field);
        }

        return (isResource, parts.Length) switch
        {
            (false, 1) when parts[0].Length > 0 => new ResourceTypeFilter(parts[0]),
            (false, 2) when parts[1].Length > 0 => new ResourceTypeFilter(parts[0], parts[1]),
            (true, 2) when parts[1].Length > 0 => new ResourceTypeFilter(parts[0], null, parts[1]),
            (true, 3) when parts[1].Length > 0 && parts[2].Length > 0 => new ResourceTypeFilter(parts[0], parts[1], parts[2]),
            _ => throw Invalid(text, isResource, field),
        };
    }

    private static InvalidQueryException Invalid(string text, bool isResource, string field) =>
        new(field, isResource
            ? $"invalid resource '{text}' in {field}: expected <group>/<resource> or <group>/<version>/<resource> (core group: /<resource>), e.g. apps/deployments"
            : $"invalid group '{text}' in {field}: expected <group> or <group>/<version>, e.g. apps or batch/v1");
}
