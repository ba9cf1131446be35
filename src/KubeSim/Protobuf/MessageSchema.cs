namespace Clusterpedia.KubeSim.Protobuf;

/// <summary>A protobuf message of the Kubernetes API by full name, with its fields by number.</summary>
internal sealed record MessageSchema(string Name, IReadOnlyDictionary<int, FieldSchema> Fields)
{
    /// <summary>Map fields are repeated messages named <c>...Entry</c> with a key (1) and a value (2).</summary>
    public bool IsMapEntry => Name.EndsWith("Entry", StringComparison.Ordinal) && Fields.ContainsKey(1) && Fields.ContainsKey(2) && Fields[1].Name == "key";
}
