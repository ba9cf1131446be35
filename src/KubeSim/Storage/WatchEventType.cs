namespace Clusterpedia.KubeSim.Storage;

internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
}
