namespace Clusterpedia.Bench.Results;

/// <summary>A pass/fail comparison between figures, e.g. page 1000 against page 1.</summary>
internal sealed record CheckResult(string Name, string Description, double Value, double Limit, bool Passed);
