namespace Clusterpedia.Kube.Client;

/// <summary>
/// One watch event as the <see cref="Reflector"/> hands it on: type, the object's exact bytes (owned by the event),
/// and its identity with the problem that makes it unfit to store (null when fit), read once when the event arrived.
/// </summary>
public readonly record struct ReflectedEvent(WatchEventType Type, ReadOnlyMemory<byte> Object, ObjectIdentity Identity, string? Problem);
