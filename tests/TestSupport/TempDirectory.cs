namespace Clusterpedia.TestSupport;

/// <summary>
/// A temporary directory for one fixture's files (database, kubeconfigs, manifests). <see cref="Delete"/> rather than
/// Dispose: the owners are xunit fixtures that clean up in IAsyncLifetime.DisposeAsync, not disposable types.
/// </summary>
public sealed class TempDirectory(string prefix)
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The path of a file in this directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Delete()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open (a SQLite handle closing late) leaves the directory to the OS's temp cleanup.
        }
    }
}
