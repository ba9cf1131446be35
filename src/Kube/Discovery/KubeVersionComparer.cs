using System.Globalization;
using System.Text.RegularExpressions;

namespace Clusterpedia.Kube.Discovery;

/// <summary>
/// Kubernetes' version priority (apimachinery's CompareKubeAwareVersionStrings): GA before beta before alpha, then the
/// higher major, then the higher minor (v2 &gt; v1 &gt; v1beta2 &gt; v1beta1 &gt; v1alpha1); anything not shaped
/// <c>v&lt;n&gt;[(alpha|beta)&lt;n&gt;]</c> (so also "v1beta", without a number) after them, alphabetically. Sorting
/// with this comparer puts the preferred version first. The API server and the simulator both use it.
/// </summary>
public sealed partial class KubeVersionComparer : IComparer<string>
{
    public static KubeVersionComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var (kx, lx, mx, nx) = Parse(x ?? string.Empty);
        var (ky, ly, my, ny) = Parse(y ?? string.Empty);
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

        return my != mx ? my.CompareTo(mx) : ny.CompareTo(nx);
    }

    // (is a Kubernetes version, level 2=GA 1=beta 0=alpha, major, minor); numbers too long for a long never match.
    private static (bool Kube, int Level, long Major, long Minor) Parse(string version)
    {
        var match = VersionPattern().Match(version);
        if (!match.Success
            || !long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return (false, 0, 0, 0);
        }

        if (!match.Groups[2].Success)
        {
            return (true, 2, major, 0);
        }

        return long.TryParse(match.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? (true, match.Groups[2].ValueSpan is "beta" ? 1 : 0, major, minor)
            : (false, 0, 0, 0);
    }

    [GeneratedRegex("^v([0-9]+)(?:(alpha|beta)([0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
