namespace Clusterpedia.KubeSim.Protobuf;

/// <summary>One field of a protobuf message: its number, JSON name, scalar type or message type, and whether it repeats.</summary>
internal sealed record FieldSchema(int Number, string Name, string Type, bool Repeated, string? MessageType);
