namespace Clusterpedia.Kube;

/// <summary>
/// A boolean query parameter read as kube-apiserver reads one (apimachinery's
/// <c>runtime.Convert_Slice_string_To_bool</c>): absent is false; present, its first value is false only when it is
/// <c>0</c> or <c>false</c> in any case; every other value, the empty one included, is true. So <c>watch=True</c>
/// (the Python client) and <c>watch=yes</c> are watches, and no value is ever an error.
/// </summary>
public static class QueryBool
{
    /// <summary>The values of the parameter as given, in order; none means absent.</summary>
    public static bool Parse(IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Count > 0 && Parse(values[0]);
    }

    /// <summary>One present value.</summary>
    public static bool Parse(string? value) =>
        value is not "0" && !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase);
}
