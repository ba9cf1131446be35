using System.Collections.Immutable;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Workloads.Lua;

/// <summary>
/// The Lua plugins loaded in this process, run in name order for every pod the synchro resolves; the first
/// non-empty answer wins. <see cref="Load"/> and <see cref="Unload"/> (called by the plugin loader
/// as the stored WorkloadPlugin objects change) swap an immutable snapshot, so Resolve never waits for a load.
/// </summary>
public sealed class LuaWorkloadPlugins(IOptions<LuaPluginOptions> options, TimeProvider time) : IWorkloadPlugins, IDisposable
{
    private readonly Lock _writeGate = new();
    private readonly Dictionary<string, LuaPluginStatus> _rejected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _rejectedScripts = new(StringComparer.Ordinal);
    private ImmutableArray<LuaPlugin> _plugins = [];
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>SHA-256 over the loaded plugins' names and scripts, in name order; empty with none loaded.</summary>
    public string Fingerprint
    {
        get
        {
            var plugins = _plugins;
            if (plugins.IsEmpty)
            {
                return "";
            }

            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            foreach (var plugin in plugins)
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(plugin.Name));
                hash.AppendData([0]);
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(plugin.Script));
                hash.AppendData([0]);
            }

            return "lua-sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }

    /// <summary>Names of the plugins loaded now, in the order they run.</summary>
    public IReadOnlyList<string> Names => [.. _plugins.Select(p => p.Name)];

    public WorkloadRef? Resolve(ReadOnlySpan<byte> metadataJson)
    {
        var plugins = _plugins;
        if (plugins.IsEmpty)
        {
            return null;
        }

        var bytes = metadataJson.ToArray();
        foreach (var plugin in plugins)
        {
            if (plugin.Resolve(bytes) is { } workload)
            {
                return workload;
            }
        }

        return null;
    }

    /// <summary>
    /// Checks a script without loading it: null when it compiles and defines GetWorkloadTypeAndName, else the Lua
    /// error and its line.
    /// </summary>
    public (string Error, int? Line)? Validate(string name, string script)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(script) > options.Value.MaxScriptBytes)
        {
            return ($"the script is over the limit of {options.Value.MaxScriptBytes} bytes ({LuaPluginOptions.Section}:{nameof(LuaPluginOptions.MaxScriptBytes)})", null);
        }

        using var sandbox = new LuaSandbox(name, options.Value);
        var result = sandbox.Compile(script);
        return result.Ok ? null : (result.Error!, result.Line);
    }

    /// <summary>
    /// Loads (or replaces) a plugin. A script that does not compile leaves no plugin of that name loaded and its
    /// status says why. The same script again is a no-op: a disabled plugin stays disabled until its script changes.
    /// </summary>
    public LuaPluginStatus Load(string name, string script)
    {
        lock (_writeGate)
        {
            var current = _plugins.FirstOrDefault(p => p.Name == name);
            if (current is not null && current.Script == script)
            {
                return current.Status;
            }

            if (current is null && _rejected.TryGetValue(name, out var rejected) && _rejectedScripts.TryGetValue(name, out var rejectedScript) && rejectedScript == script)
            {
                return rejected;
            }

            if (Validate(name, script) is { } error)
            {
                var status = new LuaPluginStatus(false, false, error.Error, error.Line, time.GetUtcNow(), 0, 1, 0);
                _rejected[name] = status;
                _rejectedScripts[name] = script;
                Replace(name, null);
                return status;
            }

            _rejected.Remove(name);
            _rejectedScripts.Remove(name);
            var sandbox = new LuaSandbox(name, options.Value);
            var compiled = sandbox.Compile(script);
            var plugin = new LuaPlugin(name, script, sandbox, options.Value, time);
            if (!compiled.Ok)
            {
                plugin.Dispose();
                var status = new LuaPluginStatus(false, false, compiled.Error, compiled.Line, time.GetUtcNow(), 0, 1, 0);
                _rejected[name] = status;
                _rejectedScripts[name] = script;
                Replace(name, null);
                return status;
            }

            Replace(name, plugin);
            return plugin.Status;
        }
    }

    /// <summary>Unloads a plugin; false when none of that name was loaded.</summary>
    public bool Unload(string name)
    {
        lock (_writeGate)
        {
            _rejected.Remove(name);
            _rejectedScripts.Remove(name);
            return Replace(name, null);
        }
    }

    /// <summary>The status of a plugin (loaded or rejected), or null when this process knows no plugin of that name.</summary>
    public LuaPluginStatus? StatusOf(string name)
    {
        if (_plugins.FirstOrDefault(p => p.Name == name) is { } plugin)
        {
            return plugin.Status;
        }

        lock (_writeGate)
        {
            return _rejected.GetValueOrDefault(name);
        }
    }

    private bool Replace(string name, LuaPlugin? plugin)
    {
        var old = _plugins.FirstOrDefault(p => p.Name == name);
        var next = _plugins.Where(p => p.Name != name);
        if (plugin is not null)
        {
            next = next.Append(plugin);
        }

        _plugins = [.. next.OrderBy(p => p.Name, StringComparer.Ordinal)];
        if (old is null && plugin is null)
        {
            return false;
        }

        Interlocked.Increment(ref _generation);

        // A call running now holds the old plugin's lock; Dispose waits for it.
        old?.Dispose();
        return true;
    }

    public void Dispose()
    {
        lock (_writeGate)
        {
            foreach (var plugin in _plugins)
            {
                plugin.Dispose();
            }

            _plugins = [];
        }
    }
}
