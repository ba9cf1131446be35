using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using KeraLua;
using LuaState = KeraLua.Lua;

namespace Clusterpedia.ClusterSynchro.Workloads.Lua;

/// <summary>
/// One plugin's Lua 5.4 state (KeraLua's liblua54), not thread-safe: callers serialize. The state's allocator is ours
/// and refuses to grow it past <see cref="LuaPluginOptions.MaxMemoryBytes"/> while plugin code runs (Lua then raises
/// "not enough memory" inside the protected call). The sandbox itself (environment, budget hook, JSON module) is the
/// trusted Lua chunk sandbox.lua; the managed code Lua calls (the clock, the JSON decoder in LuaSandbox.Json.cs)
/// never raises a Lua error, so no longjmp ever crosses a managed frame.
/// </summary>
internal sealed partial class LuaSandbox : IDisposable
{
    private static readonly string _sandboxSource = ReadResource("sandbox.lua");
    private static readonly string _jsonSource = ReadResource("dkjson.lua");

    private readonly LuaPluginOptions _options;
    private readonly string _chunkName;
    private readonly LuaAlloc _allocator;
    private readonly LuaFunction _clock;
    private readonly LuaFunction _decodeJson;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly LuaState _lua;
    private readonly int _compileRef;
    private readonly int _resolveRef;
    private long _used;
    private bool _limited;
    private bool _disposed;

    /// <summary>Builds the state and runs the sandbox chunk; throws <see cref="InvalidOperationException"/> if liblua fails us.</summary>
    public LuaSandbox(string pluginName, LuaPluginOptions options)
    {
        _options = options;
        _chunkName = "=" + pluginName;
        _allocator = Allocate;
        _clock = Clock;
        _decodeJson = DecodeJson;
        _lua = new LuaState(_allocator, IntPtr.Zero) { Encoding = Encoding.UTF8 };
        _lua.OpenLibs();
        if (_lua.LoadString(_sandboxSource, "=sandbox") != LuaStatus.OK)
        {
            throw new InvalidOperationException("the Lua sandbox does not load: " + _lua.ToString(-1));
        }

        _lua.PushString(_jsonSource);
        _lua.PushCFunction(_clock);
        _lua.PushInteger(options.HookEvery);
        _lua.PushInteger(options.MaxRepBytes);
        _lua.PushCFunction(_decodeJson);
        if (_lua.PCall(5, 2, 0) != LuaStatus.OK)
        {
            throw new InvalidOperationException("the Lua sandbox does not start: " + _lua.ToString(-1));
        }

        _resolveRef = _lua.Ref(LuaRegistry.Index);
        _compileRef = _lua.Ref(LuaRegistry.Index);
        _lua.SetTop(0);
    }

    /// <summary>Bytes the state holds now.</summary>
    public long MemoryBytes => _used;

    /// <summary>Loads the plugin script and runs its top level; null when it defines GetWorkloadTypeAndName, else the error.</summary>
    public LuaCallResult Compile(string script)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _lua.RawGetInteger(LuaRegistry.Index, _compileRef);
        _lua.PushString(script);
        _lua.PushString(_chunkName);
        return Call(2, 2);
    }

    /// <summary>Calls GetWorkloadTypeAndName(metaJsonStr).</summary>
    public LuaCallResult Resolve(byte[] metadataJson)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _lua.RawGetInteger(LuaRegistry.Index, _resolveRef);
        _lua.PushBuffer(metadataJson);
        return Call(1, 3);
    }

    /// <summary>
    /// Pushes the budget and calls the entry point on the stack. The pushes above ran unlimited: outside a protected
    /// call a refused allocation would abort the process. Inside, the allocator refuses past the cap.
    /// </summary>
    private LuaCallResult Call(int args, int results)
    {
        _lua.PushInteger(_options.MaxInstructions);
        _lua.PushNumber(_options.Timeout.TotalMilliseconds);
        _limited = true;
        LuaStatus status;
        try
        {
            status = _lua.PCall(args + 2, results, 0);
        }
        finally
        {
            _limited = false;
        }

        try
        {
            if (status != LuaStatus.OK)
            {
                // Only the sandbox chunk's own failure lands here (the plugin's errors are caught inside it).
                return Failed(_lua.Type(-1) == LuaType.String ? _lua.ToString(-1) : status.ToString());
            }

            if (!_lua.ToBoolean(-results))
            {
                return Failed(_lua.Type(-results + 1) == LuaType.String ? _lua.ToString(-results + 1) : "unknown error");
            }

            return results == 3
                ? new LuaCallResult(true, _lua.ToString(-2), _lua.ToString(-1), null, null)
                : new LuaCallResult(true, "", "", null, null);
        }
        finally
        {
            _lua.SetTop(0);
            if (_used > _options.MaxMemoryBytes / 2)
            {
                // What a plugin left behind is collected between calls, so the next call has its budget again.
                _lua.GarbageCollector(LuaGC.Collect, 0);
            }
        }
    }

    private LuaCallResult Failed(string message)
    {
        if (message is "not enough memory" or "memory limit exceeded")
        {
            message = $"memory limit exceeded ({_options.MaxMemoryBytes} bytes)";
        }

        var prefix = _chunkName[1..] + ":";
        if (message.StartsWith(prefix, StringComparison.Ordinal))
        {
            var match = LinePrefix().Match(message, prefix.Length);
            if (match.Success && int.TryParse(match.Groups[1].ValueSpan, out var line))
            {
                return LuaCallResult.Failed(message, line);
            }
        }

        return LuaCallResult.Failed(message, null);
    }

    [GeneratedRegex(@"\G(\d+):")]
    private static partial Regex LinePrefix();

    private int Clock(IntPtr state)
    {
        LuaState.FromIntPtr(state).PushNumber(_watch.Elapsed.TotalMilliseconds);
        return 1;
    }

    private unsafe IntPtr Allocate(IntPtr ud, IntPtr ptr, UIntPtr osize, UIntPtr nsize)
    {
        // With no block, osize tells the kind of object, not a size.
        var old = ptr == IntPtr.Zero ? 0L : (long)osize;
        if (nsize == UIntPtr.Zero)
        {
            NativeMemory.Free((void*)ptr);
            _used -= old;
            return IntPtr.Zero;
        }

        var grow = (long)nsize - old;
        if (_limited && grow > 0 && _used + grow > _options.MaxMemoryBytes)
        {
            return IntPtr.Zero;
        }

        var block = (IntPtr)NativeMemory.Realloc((void*)ptr, nsize);
        if (block != IntPtr.Zero)
        {
            _used += grow;
        }

        return block;
    }

    private static string ReadResource(string name)
    {
        var assembly = typeof(LuaSandbox).Assembly;
        using var stream = assembly.GetManifestResourceStream("Clusterpedia.ClusterSynchro.Workloads.Lua." + name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _lua.Dispose();
        GC.KeepAlive(_allocator);
        GC.KeepAlive(_clock);
        GC.KeepAlive(_decodeJson);
    }
}
