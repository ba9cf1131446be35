using System.Diagnostics.Metrics;
using Clusterpedia.ClusterSynchro.Synchro;
using Microsoft.Extensions.DependencyInjection;

namespace Clusterpedia.ClusterSynchro.Tests.Fixtures;

/// <summary>
/// The synchro's instruments for harnesses that build a manager by hand: meters from a real
/// <see cref="IMeterFactory"/> (as the server's host gives), so a <see cref="MeterListener"/> sees them by name.
/// </summary>
public static class TestMetrics
{
    private static readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public static SynchroMetrics Synchro { get; } = new(_services.GetRequiredService<IMeterFactory>());
}
