using System.Text.Json;

namespace Clusterpedia.ClusterSynchro.Workloads.Lua;

/// <summary>
/// The decoder behind our <c>require("dkjson")</c>: decode(str, pos, nullval) built in C# with Utf8JsonReader, about
/// ten times faster than a decoder in Lua. It is the one managed function that builds Lua values, so it runs with the
/// memory cap lifted (its allocations are bounded by the input, which the caller already holds): with no allocation
/// refused, no Lua call below it can raise an error, and no longjmp crosses this managed frame. It never throws.
/// </summary>
internal sealed partial class LuaSandbox
{
    private const int _maxJsonDepth = 200;
    private const long _decodeBytesPerJsonByte = 64;

    /// <summary>Lua: decode(str, pos, nullval) -> value, nextpos | nil, pos, message. Arguments are checked by dkjson.lua.</summary>
    private int DecodeJson(IntPtr state)
    {
        var limited = _limited;
        _limited = false;
        try
        {
            _lua.SetTop(3);
            var text = _lua.ToBuffer(1, false) ?? [];
            var start = (int)Math.Clamp(_lua.ToIntegerX(2) ?? 1, 1, text.Length + 1);

            // The cap is lifted while decoding, so the decode must fit under it beforehand: Lua values take at most
            // about 40 times the JSON text they come from (an empty table, 56 bytes, from "[]," ); 64 is the margin.
            if (limited && _used + ((long)text.Length - start + 1) * _decodeBytesPerJsonByte > _options.MaxMemoryBytes)
            {
                return DecodeFailed(start, $"memory limit exceeded ({_options.MaxMemoryBytes} bytes): not enough left to decode {text.Length - start + 1} bytes of JSON");
            }

            var reader = new Utf8JsonReader(text.AsSpan(start - 1), new JsonReaderOptions { MaxDepth = _maxJsonDepth });
            try
            {
                if (!reader.Read())
                {
                    return DecodeFailed(start + (int)reader.BytesConsumed, "unexpected end of input");
                }

                var top = _lua.GetTop();
                if (!PushJson(ref reader))
                {
                    _lua.SetTop(top);
                    return DecodeFailed(start + (int)reader.TokenStartIndex, "too deeply nested");
                }

                _lua.PushInteger(start + reader.BytesConsumed);
                return 2;
            }
            catch (JsonException e)
            {
                _lua.SetTop(3);
                var message = e.Message;
                var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
                return DecodeFailed(start + (int)reader.BytesConsumed, "invalid JSON: " + (cut > 0 ? message[..cut] : message));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            _lua.SetTop(3);
            return DecodeFailed(1, "invalid JSON: " + e.Message);
        }
        finally
        {
            _limited = limited;
        }
    }

    private int DecodeFailed(int position, string message)
    {
        _lua.PushNil();
        _lua.PushInteger(position);
        _lua.PushString($"{message} at position {position}");
        return 3;
    }

    /// <summary>Pushes the value at the reader's current token; false when the Lua stack cannot grow (too deep).</summary>
    private bool PushJson(ref Utf8JsonReader reader)
    {
        if (!_lua.CheckStack(3))
        {
            return false;
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                _lua.CreateTable(0, 4);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    _lua.PushString(reader.GetString());
                    if (!reader.Read())
                    {
                        throw new JsonException("unexpected end of input");
                    }

                    if (!PushJson(ref reader))
                    {
                        return false;
                    }

                    _lua.RawSet(-3);
                }

                return true;
            case JsonTokenType.StartArray:
                _lua.CreateTable(4, 0);
                long index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!PushJson(ref reader))
                    {
                        return false;
                    }

                    _lua.RawSetInteger(-2, ++index);
                }

                return true;
            case JsonTokenType.String:
                _lua.PushString(reader.GetString());
                return true;
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var integer))
                {
                    _lua.PushInteger(integer);
                }
                else
                {
                    _lua.PushNumber(reader.GetDouble());
                }

                return true;
            case JsonTokenType.True:
                _lua.PushBoolean(true);
                return true;
            case JsonTokenType.False:
                _lua.PushBoolean(false);
                return true;
            default:
                // null: the caller's nullval (argument 3; nil when not given).
                _lua.PushCopy(3);
                return true;
        }
    }
}
