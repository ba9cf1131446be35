using System.Globalization;

namespace Clusterpedia.ClusterSynchro.Synchro;

/// <summary>
/// What one resource synchro skipped or repaired since its last list began: counts and the first few objects, for
/// the resource's sync condition; and which problems were logged already, so each is logged once however often the
/// member sends it again.
/// </summary>
internal sealed class ObjectProblems
{
    private const int _maxExamples = 3;
    private const int _maxRemembered = 1000;

    private readonly Lock _gate = new();
    private readonly HashSet<string> _logged = new(StringComparer.Ordinal);
    private readonly List<string> _skippedExamples = [];
    private readonly List<string> _repairedExamples = [];

    // Written by the watch reader and the storage writer of one synchro: every member takes the lock.
    private int _skipped;
    private int _repaired;

    public int Skipped
    {
        get
        {
            lock (_gate)
            {
                return _skipped;
            }
        }
    }

    public int Repaired
    {
        get
        {
            lock (_gate)
            {
                return _repaired;
            }
        }
    }

    /// <summary>A new list starts: what it finds replaces what the last one found.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _skipped = _repaired = 0;
            _skippedExamples.Clear();
            _repairedExamples.Clear();
        }
    }

    /// <summary>Counts a skipped object; true when this problem of this object was not logged before.</summary>
    public bool AddSkipped(string? name, string problem)
    {
        var text = name is null ? problem : $"{name}: {problem}";
        lock (_gate)
        {
            _skipped++;
            if (_skippedExamples.Count < _maxExamples)
            {
                _skippedExamples.Add(text);
            }

            return Remember("skip " + text);
        }
    }

    /// <summary>Counts a repaired object; true when its repair was not logged before.</summary>
    public bool AddRepaired(string name)
    {
        lock (_gate)
        {
            _repaired++;
            if (_repairedExamples.Count < _maxExamples)
            {
                _repairedExamples.Add(name);
            }

            return Remember("repair " + name);
        }
    }

    /// <summary>The sync condition's reason and message; (null, null) when nothing was skipped or repaired.</summary>
    public (string? Reason, string? Message) Summary()
    {
        lock (_gate)
        {
            return SummaryLocked(_skipped, _repaired);
        }
    }

    private (string? Reason, string? Message) SummaryLocked(int skipped, int repaired)
    {
        if (skipped == 0 && repaired == 0)
        {
            return (null, null);
        }

        var parts = new List<string>(2);
        if (skipped > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{skipped} invalid object{(skipped == 1 ? "" : "s")} skipped ({string.Join("; ", _skippedExamples)}{(skipped > _maxExamples ? "; ..." : "")})"));
        }

        if (repaired > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{repaired} object{(repaired == 1 ? "" : "s")} with invalid UTF-8 or lone surrogates stored with U+FFFD in their place ({string.Join(", ", _repairedExamples)}{(repaired > _maxExamples ? ", ..." : "")})"));
        }

        return (skipped > 0 ? "InvalidObjects" : "RepairedObjects", string.Join("; ", parts));
    }

    private bool Remember(string key) => _logged.Count < _maxRemembered && _logged.Add(key);
}
