namespace Clusterpedia.Bench.Results;

/// <summary>One unpaged list of every pod through our server: the body's size and the server's RSS around it.</summary>
internal sealed record UnpagedListRound(int Round, long Bytes, double Seconds, long RssBeforeBytes, long PeakRssBytes, long RssAfterBytes);
