namespace Clusterpedia.ClusterSynchro.Encryption;

/// <summary>
/// Keys that encrypt PediaCluster credentials in our own store (standalone mode), bound from the "Encryption" section.
/// Keys are base64 of 32 random bytes (AES-256). The first key encrypts; every key decrypts, so a new key goes first
/// and the old one stays listed until every PediaCluster was written again.
/// </summary>
public sealed class CredentialEncryptionOptions
{
    public const string Section = "Encryption";

    /// <summary>Keys given directly, e.g. from the environment: <c>Encryption__Keys__0=&lt;base64&gt;</c>.</summary>
    public IList<string> Keys { get; } = [];

    /// <summary>
    /// A file with one base64 key per line (blank lines and lines starting with # ignored), read after <see cref="Keys"/>.
    /// Without any key configured, one is generated into the default file (next to the SQLite database, or
    /// clusterpedia-encryption.key in the working directory for other engines) with mode 0600.
    /// </summary>
    public string? KeyFile { get; set; }
}
