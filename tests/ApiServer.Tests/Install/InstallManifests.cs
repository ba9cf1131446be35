namespace Clusterpedia.ApiServer.Tests.Install;

/// <summary>Where the install manifests live in the repository: deploy/ (base, overlays, member-rbac) and crds/.</summary>
internal static class InstallManifests
{
    /// <summary>Every kustomization a user builds or applies, relative to the repository root.</summary>
    public static readonly string[] Kustomizations =
        ["deploy/base", "deploy/overlays/sqlite", "deploy/overlays/postgres", "deploy/overlays/local", "deploy/member-rbac", "crds"];

    public static string Root { get; } = FindRoot();

    public static string OneFile => Path.Combine(Root, "deploy", "clusterpedia.yaml");

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Clusterpedia.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Clusterpedia.slnx above {AppContext.BaseDirectory}: the install tests read deploy/ from the repository");
    }
}
