using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Clusterpedia.Kube.Client;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// Looks at one object a member sent before it goes to the <see cref="ObjectTransformer"/>: repairs text that would
/// break every response it appears in (invalid UTF-8, escapes of lone UTF-16 surrogates such as <c>"\ud800"</c>: both
/// become U+FFFD), and rejects what cannot be stored (not an object, no string name, a resourceVersion or namespace
/// that is not a string). A clean object costs two vectorized scans for the repair check and a read of its metadata;
/// its bytes are passed on untouched, and only a broken one is copied.
/// </summary>
internal static class MemberObjectCheck
{
    /// <summary>The object to store (repaired when <paramref name="repaired"/>), or null with the problem that rejects it.</summary>
    public static string? Check(
        ReadOnlyMemory<byte> item, out ReadOnlyMemory<byte> json, out (string Namespace, string Name, string ResourceVersion) identity, out bool repaired) =>
        Check(item, null, out json, out identity, out repaired);

    /// <summary>
    /// As above, for an object whose identity was already read (a watch event's, with its problem): it is read again
    /// only when the bytes had to be repaired.
    /// </summary>
    public static string? Check(
        ReadOnlyMemory<byte> item, (ObjectIdentity Identity, string? Problem)? read, out ReadOnlyMemory<byte> json,
        out (string Namespace, string Name, string ResourceVersion) identity, out bool repaired)
    {
        json = item;
        repaired = false;
        if (Repair(item.Span) is { } fixedBytes)
        {
            json = fixedBytes;
            repaired = true;
            read = null;
        }

        string? problem;
        ObjectIdentity id;
        if (read is { } known)
        {
            (id, problem) = known;
        }
        else
        {
            problem = ObjectIdentity.Check(json.Span, out id);
        }

        identity = (id.Namespace, id.Name, id.ResourceVersion);
        return problem;
    }

    /// <summary>The repaired bytes, or null when there is nothing to repair.</summary>
    internal static byte[]? Repair(ReadOnlySpan<byte> json)
    {
        var validUtf8 = Utf8.IsValid(json);
        var escapes = json.IndexOf("\\u"u8) >= 0;
        if (validUtf8 && !escapes)
        {
            return null;
        }

        // Outside strings JSON is ASCII, so replacing invalid sequences (U+FFFD, the decoder's default) only touches text.
        var utf8 = validUtf8 ? null : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(json));
        var surrogatesFixed = escapes ? FixLoneSurrogateEscapes(utf8 ?? json) : null;
        return surrogatesFixed ?? utf8;
    }

    /// <summary>Replaces each <c>\uD800</c>-<c>\uDFFF</c> escape that is not part of a valid pair with <c>\ufffd</c>; null if none.</summary>
    private static byte[]? FixLoneSurrogateEscapes(ReadOnlySpan<byte> s)
    {
        ArrayBufferWriter<byte>? output = null;
        var copied = 0;
        for (var i = 0; i < s.Length - 1; i++)
        {
            // A backslash only appears inside strings, and always starts an escape: skip what it escapes.
            if (s[i] != '\\')
            {
                continue;
            }

            if (s[i + 1] != 'u' || i + 6 > s.Length || !TryHex(s.Slice(i + 2, 4), out var unit))
            {
                i++;
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDBFF && i + 12 <= s.Length && s[i + 6] == '\\' && s[i + 7] == 'u'
                && TryHex(s.Slice(i + 8, 4), out var low) && low is >= 0xDC00 and <= 0xDFFF)
            {
                i += 11;
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDFFF)
            {
                output ??= new ArrayBufferWriter<byte>(s.Length);
                output.Write(s[copied..i]);
                output.Write("\\ufffd"u8);
                copied = i + 6;
            }

            i += 5;
        }

        if (output is null)
        {
            return null;
        }

        output.Write(s[copied..]);
        return output.WrittenSpan.ToArray();
    }

    private static bool TryHex(ReadOnlySpan<byte> hex, out int value)
    {
        value = 0;
        foreach (var b in hex)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }
}
