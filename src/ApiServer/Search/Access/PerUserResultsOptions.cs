using System.ComponentModel.DataAnnotations;

namespace Clusterpedia.ApiServer.Search.Access;

/// <summary>
/// Per-user results, bound from <c>Security:PerUserResults</c>: whether search shows each user only what that user may
/// list under the member's own RBAC, and how often a member's synced RBAC is re-read. docs/security.md ("Per-user
/// results") explains the model and the delay.
/// </summary>
public sealed class PerUserResultsOptions
{
    public const string Section = "Security:PerUserResults";

    /// <summary>False turns the filter off: every user who passes the server's own authorization sees every object.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a member's RBAC read from the store is reused. A change to a member's Roles or bindings counts within
    /// the synchro's watch latency plus this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
