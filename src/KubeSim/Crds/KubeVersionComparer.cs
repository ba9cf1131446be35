using System.Globalization;
using System.Text.RegularExpressions;

namespace Clusterpedia.KubeSim.Crds;

/// <summary>
/// Kubernetes' version priority: GA before beta before alpha, higher numbers first (v2 &gt; v1 &gt; v1beta2 &gt;
/// v1beta1 &gt; v1alpha1), then anything else alphabetically. The first of a sorted list is the preferred version.
/// </summary>
internal sealed partial class KubeVersionComparer : IComparer<string>
{
    public static KubeVersionComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var (kx, mx, lx, nx) = Parse(x ?? string.Empty);
        var (ky, my, ly, ny) = Parse(y ?? string.Empty);
        if (kx != ky)
        {
            return kx ? -1 : 1;
        }

        if (!kx)
        {
            return string.CompareOrdinal(x, y);
        }

        if (lx != ly)
        {
            return ly.CompareTo(lx);
        }

        if (mx != my)
        {
            return my.CompareTo(mx);
        }

        return ny.CompareTo(nx);
    }

    // (is a Kubernetes version, major, level 2=GA 1=beta 0=alpha, minor)
    private static (bool Kube, int Major, int Level, int Minor) Parse(string version)
    {
        var match = VersionPattern().Match(version);
        if (!match.Success)
        {
            return (false, 0, 0, 0);
        }

        var major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var level = match.Groups[2].Value switch { "beta" => 1, "alpha" => 0, _ => 2 };
        var minor = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return (true, major, level, minor);
    }

    [GeneratedRegex("^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
