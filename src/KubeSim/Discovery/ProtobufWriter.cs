using System.Text;

namespace Clusterpedia.KubeSim.Discovery;

/// <summary>
/// Just enough of the protocol buffers wire format (length-delimited fields and booleans) to write the OpenAPI v2
/// document kubectl 1.27 insists on downloading as protobuf.
/// </summary>
internal sealed class ProtobufWriter
{
    private readonly List<byte> _buffer = [];

    public void String(int field, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Tag(field, wireType: 2);
        Varint((ulong)bytes.Length);
        _buffer.AddRange(bytes);
    }

    public void Bool(int field, bool value)
    {
        Tag(field, wireType: 0);
        Varint(value ? 1UL : 0UL);
    }

    /// <summary>An embedded message, written by <paramref name="write"/>.</summary>
    public void Message(int field, Action<ProtobufWriter> write)
    {
        var inner = new ProtobufWriter();
        write(inner);
        var bytes = inner.ToArray();
        Tag(field, wireType: 2);
        Varint((ulong)bytes.Length);
        _buffer.AddRange(bytes);
    }

    public byte[] ToArray() => [.. _buffer];

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _buffer.Add((byte)value);
    }
}
