namespace Clusterpedia.KubeSim.Storage;

/// <summary>Which part of an object a write may change: the main resource leaves status alone and vice versa.</summary>
internal enum UpdateTarget
{
    Main,
    Status,
}
