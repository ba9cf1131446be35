using System.Text.RegularExpressions;

namespace Clusterpedia.ApiServer.Discovery;

/// <summary>
/// Orders API versions the way Kubernetes prefers them: GA before beta before alpha, higher numbers first,
/// anything not shaped like a Kubernetes version last (alphabetically).
/// </summary>
public sealed partial class KubeVersionComparer : IComparer<string>
{
    public static readonly KubeVersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        var (xr, xm, xn) = Rank(x ?? "");
        var (yr, ym, yn) = Rank(y ?? "");
        if (xr != yr)
        {
            return xr.CompareTo(yr);
        }

        if (xr == 3)
        {
            return string.CompareOrdinal(x, y);
        }

        if (xm != ym)
        {
            return ym.CompareTo(xm);
        }

        return yn.CompareTo(xn);
    }

    private static (int Rank, int Major, int Minor) Rank(string v)
    {
        var m = VersionPattern().Match(v);
        if (!m.Success)
        {
            return (3, 0, 0);
        }

        var major = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (!m.Groups[2].Success)
        {
            return (0, major, 0);
        }

        var minor = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (m.Groups[2].Value == "beta" ? 1 : 2, major, minor);
    }

    [GeneratedRegex(@"^v(\d+)(?:(alpha|beta)(\d+)?)?$")]
    private static partial Regex VersionPattern();
}
