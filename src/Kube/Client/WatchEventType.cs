namespace Clusterpedia.Kube.Client;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
}
