namespace Clusterpedia.Storage.Schema;

/// <summary>One hand-written schema step of one engine; applied once, in version order, recorded in schema_migrations.</summary>
internal sealed record Migration(int Version, string Name, IReadOnlyList<string> Statements);
