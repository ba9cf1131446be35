using System.Text;

namespace Clusterpedia.KubeSim.Faults;

/// <summary>
/// A broken object a member cluster may send in a list page or a watch event: nesting deeper than a default JSON
/// reader accepts (as custom resources with <c>x-kubernetes-preserve-unknown-fields</c> can be), a name or
/// resourceVersion that is a number, an item that is not an object or is null, invalid UTF-8 or a lone UTF-16
/// surrogate in a label value. Rendered per answer with the store's current resourceVersion, so a client that follows
/// resourceVersions never moves backwards because of one. Names are <c>corrupt-&lt;kind&gt;</c> in namespace default.
/// </summary>
public sealed class CorruptItem
{
    private readonly Func<string, byte[]> _render;

    private CorruptItem(string kind, string? name, Func<string, byte[]> render)
    {
        Kind = kind;
        Name = name;
        _render = render;
    }

    /// <summary>What is wrong with it, as named on the control endpoint (<c>deep</c>, <c>numericName</c>...).</summary>
    public string Kind { get; }

    /// <summary>metadata.name when it has a readable one.</summary>
    public string? Name { get; }

    /// <summary>An object whose <c>spec</c> nests <paramref name="depth"/> objects deep.</summary>
    public static CorruptItem DeepNesting(int depth = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        return new("deep", "corrupt-deep", rv =>
        {
            var sb = new StringBuilder(Prefix("corrupt-deep", rv)).Append(",\"spec\":");
            for (var i = 0; i < depth; i++)
            {
                sb.Append("{\"a\":");
            }

            sb.Append("\"bottom\"").Append('}', depth).Append('}');
            return Encoding.UTF8.GetBytes(sb.ToString());
        });
    }

    /// <summary>metadata.name is the number 42.</summary>
    public static CorruptItem NumericName() => new("numericName", null, rv =>
        Encoding.UTF8.GetBytes($$$"""{"metadata":{"name":42,"namespace":"default","uid":"corrupt-numeric-name","resourceVersion":"{{{rv}}}"}}"""));

    /// <summary>metadata.resourceVersion is a number instead of a string.</summary>
    public static CorruptItem NumericResourceVersion() => new("numericResourceVersion", "corrupt-numeric-rv", rv =>
        Encoding.UTF8.GetBytes($$$"""{"metadata":{"name":"corrupt-numeric-rv","namespace":"default","uid":"corrupt-numeric-rv","resourceVersion":{{{rv}}}}}"""));

    /// <summary>An item that is a JSON string, not an object.</summary>
    public static CorruptItem NonObject() => new("nonObject", null, _ => "\"not an object\""u8.ToArray());

    /// <summary>An item that is null.</summary>
    public static CorruptItem Null() => new("null", null, _ => "null"u8.ToArray());

    /// <summary>A label value holding bytes that are not UTF-8 (0xFF, and a truncated two-byte sequence).</summary>
    public static CorruptItem InvalidUtf8() => new("invalidUtf8", "corrupt-invalid-utf8", rv =>
    {
        var head = Encoding.UTF8.GetBytes(Prefix("corrupt-invalid-utf8", rv, "\"labels\":{\"app\":\"bad", closeMetadata: false));
        byte[] bad = [0xFF, (byte)'x', 0xC3];
        return [.. head, .. bad, .. "\"}}}"u8];
    });

    /// <summary>A label value holding the escape of a lone surrogate, <c>"\ud800"</c>: valid JSON text, not a valid string.</summary>
    public static CorruptItem LoneSurrogate() => new("loneSurrogate", "corrupt-lone-surrogate", rv =>
        Encoding.UTF8.GetBytes(Prefix("corrupt-lone-surrogate", rv, "\"labels\":{\"app\":\"bad\\ud800x\"}") + "}"));

    /// <summary>The item by its control-endpoint name.</summary>
    public static CorruptItem Parse(string kind, int depth = 200) => kind switch
    {
        "deep" => DeepNesting(depth),
        "numericName" => NumericName(),
        "numericResourceVersion" => NumericResourceVersion(),
        "nonObject" => NonObject(),
        "null" => Null(),
        "invalidUtf8" => InvalidUtf8(),
        "loneSurrogate" => LoneSurrogate(),
        _ => throw new ArgumentException(
            $"unknown corrupt item '{kind}'; known: deep, numericName, numericResourceVersion, nonObject, null, invalidUtf8, loneSurrogate", nameof(kind)),
    };

    /// <summary>The item's bytes, with <paramref name="resourceVersion"/> where it has one.</summary>
    public byte[] Render(long resourceVersion) => _render(resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));

    // The opening of an object in namespace default, metadata left open when extra metadata follows.
    private static string Prefix(string name, string rv, string? extraMetadata = null, bool closeMetadata = true) =>
        "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"uid\":\"" + name + "\",\"resourceVersion\":\"" + rv
        + "\",\"creationTimestamp\":\"2024-01-01T00:00:00Z\"" + (extraMetadata is null ? "" : "," + extraMetadata) + (closeMetadata ? "}" : "");
}
