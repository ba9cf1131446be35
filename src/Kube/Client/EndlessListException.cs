namespace Clusterpedia.Kube.Client;

/// <summary>
/// A member whose list never ends: it answered with the continue token it was given, or kept sending pages with
/// nothing new in them. Following it would keep the list (and whoever waits for it) going forever.
/// </summary>
public sealed class EndlessListException(string message) : Exception(message);
