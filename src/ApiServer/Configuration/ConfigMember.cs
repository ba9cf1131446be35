using System.Reflection;

namespace Clusterpedia.ApiServer.Configuration;

/// <summary>One key of an object shape: a property of an options type, or a child section (no property) bound to its own types.</summary>
internal sealed record ConfigMember(string Name, ConfigShape Shape, PropertyInfo? Property);
