using Clusterpedia.Bench.EndToEnd;
using Clusterpedia.Bench.Postgres;
using Clusterpedia.Bench.Server;

namespace Clusterpedia.Bench.ScaleOut;

/// <summary>What the phases of one <c>--scale-out</c> run share.</summary>
internal sealed record RunContext(
    ScaleOutOptions Options, ScaleOutResult Result, List<MemberClient> Members, List<ServerProcess> Servers, PrivatePostgres Postgres, string Directory);
