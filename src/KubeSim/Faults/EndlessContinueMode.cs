namespace Clusterpedia.KubeSim.Faults;

/// <summary>How <see cref="FaultInjector.SetEndlessContinue"/> makes a list never end.</summary>
public enum EndlessContinueMode
{
    Off,

    /// <summary>Every page carries the same continue token.</summary>
    Repeat,

    /// <summary>Every page carries a token never seen before.</summary>
    New,
}
