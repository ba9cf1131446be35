namespace Clusterpedia.Kube.Client;

/// <summary>One watch event: its type and the object's exact JSON bytes (owned by the event).</summary>
public readonly record struct WatchEvent(WatchEventType Type, ReadOnlyMemory<byte> Object);
