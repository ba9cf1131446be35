using System.Buffers;
using System.Text;

namespace Clusterpedia.ApiServer.Discovery;

/// <summary>
/// A minimal protocol-buffers encoder (varints, strings, booleans and nested messages): enough to emit the
/// gnostic OpenAPI v2 document that kubectl 1.27 insists on reading in protobuf form.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public ProtoWriter String(int field, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Tag(field, 2);
        Varint((ulong)bytes.Length);
        _buffer.Write(bytes);
        return this;
    }

    public ProtoWriter Bool(int field, bool value)
    {
        if (value)
        {
            Tag(field, 0);
            Varint(1);
        }

        return this;
    }

    public ProtoWriter Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        Tag(field, 2);
        Varint((ulong)inner._buffer.WrittenCount);
        _buffer.Write(inner._buffer.WrittenSpan);
        return this;
    }

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        Span<byte> span = stackalloc byte[10];
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        _buffer.Write(span[..n]);
    }
}
