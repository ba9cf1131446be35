using System.Net;

namespace Clusterpedia.ApiServer.Tests.Roles;

/// <summary>What one search of the API-only server answered: status, the namespace/name of each item, the Warning.</summary>
internal sealed record RoleSearchResult(HttpStatusCode Code, HashSet<string> Names, bool Warned, string Body)
{
    public override string ToString() => $"{(int)Code}, {Names.Count} deployments, warned: {Warned}, body: {Body}";
}
