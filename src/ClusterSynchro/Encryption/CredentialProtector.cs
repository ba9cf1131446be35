using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Clusterpedia.ClusterSynchro.Clusters;
using Clusterpedia.ClusterSynchro.Hosted;
using Clusterpedia.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ClusterSynchro.Encryption;

/// <summary>
/// Encrypts the credential fields of stored PediaClusters (<see cref="PediaClusterCredentials.Fields"/>) with AES-GCM,
/// each value on its own: <c>enc:aesgcm:&lt;key id&gt;:&lt;base64 nonce|ciphertext|tag&gt;</c>, bound to the object's
/// name and the field (associated data), so a value cannot be moved to another cluster or field. Values without the
/// prefix are plaintext from before encryption: they are read as they are and encrypted on the next write. In hosted
/// mode the host cluster keeps PediaClusters and nothing is encrypted here.
/// </summary>
public sealed partial class CredentialProtector
{
    private const string _prefix = "enc:aesgcm:";
    private const int _nonceSize = 12;
    private const int _tagSize = 16;

    private readonly List<(string Id, byte[] Key)> _keys = [];

    public CredentialProtector(IOptions<CredentialEncryptionOptions> options, IOptions<StorageOptions> storage, IOptions<HostClusterOptions> hosted, ILogger<CredentialProtector> logger)
    {
        if (hosted.Value.Enabled)
        {
            return;
        }

        var o = options.Value;
        foreach (var (text, index) in o.Keys.Select((k, i) => (k, i)))
        {
            Add(text, $"Encryption:Keys:{index}");
        }

        var file = o.KeyFile ?? DefaultKeyFile(storage.Value);
        if (File.Exists(file))
        {
            ReadKeyFile(file);
        }
        else if (_keys.Count == 0)
        {
            GenerateKeyFile(file, logger);
        }
    }

    private void ReadKeyFile(string file)
    {
        foreach (var (line, number) in File.ReadAllLines(file).Select((l, i) => (l.Trim(), i + 1)))
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                Add(line, $"{file}:{number}");
            }
        }

        if (_keys.Count == 0)
        {
            throw new InvalidOperationException($"Encryption:KeyFile: {file} holds no key");
        }
    }

    /// <summary>The first start without a key: one is made, so credentials are never stored in the clear.</summary>
    private void GenerateKeyFile(string file, ILogger logger)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(file, create);
            using var writer = new StreamWriter(stream);
            writer.WriteLine("# AES-256 keys for PediaCluster credentials: the first encrypts, all decrypt. Keep a copy; without it stored credentials cannot be read.");
            writer.WriteLine(Convert.ToBase64String(key));
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another process on the same store (API-only and synchro-only roles) made it first: use theirs.
            ReadKeyFile(file);
            return;
        }

        _keys.Add((KeyId(key), key));
        LogGeneratedKey(logger, Path.GetFullPath(file));
    }

    /// <summary>Whether values are encrypted on write (false in hosted mode).</summary>
    public bool Enabled => _keys.Count > 0;

    /// <summary>
    /// Encrypts, in place, each credential of <paramref name="obj"/>'s spec that is plaintext or encrypted with a key
    /// other than the first (rotation happens on write).
    /// </summary>
    public void Protect(JsonObject obj, string name)
    {
        if (!Enabled || obj["spec"] is not JsonObject spec)
        {
            return;
        }

        var (id, key) = _keys[0];
        foreach (var field in PediaClusterCredentials.Fields)
        {
            if (JsonFields.Text(spec[field]) is not { } value || value.StartsWith(_prefix + id + ":", StringComparison.Ordinal))
            {
                continue;
            }

            if (value.StartsWith(_prefix, StringComparison.Ordinal))
            {
                if (TryDecrypt(value, name, field, out var plain) is not null)
                {
                    // Under a key we no longer have: left as it is, reads report it.
                    continue;
                }

                value = plain!;
            }

            spec[field] = Encrypt(value, name, field, id, key);
        }
    }

    /// <summary>
    /// Decrypts, in place, the credentials of <paramref name="obj"/>'s spec. Returns what could not be decrypted
    /// (naming the field and the key id, never the value), or null; such a field is left encrypted.
    /// </summary>
    public string? Unprotect(JsonObject obj, string name)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return null;
        }

        string? error = null;
        foreach (var field in PediaClusterCredentials.Fields)
        {
            if (JsonFields.Text(spec[field]) is { } value && value.StartsWith(_prefix, StringComparison.Ordinal))
            {
                if (TryDecrypt(value, name, field, out var plain) is { } problem)
                {
                    error ??= $"spec.{field}: {problem}";
                }
                else
                {
                    spec[field] = plain;
                }
            }
        }

        return error;
    }

    /// <summary>Whether a stored value is in the encrypted form.</summary>
    public static bool IsEncrypted(string value) => value.StartsWith(_prefix, StringComparison.Ordinal);

    private static string Encrypt(string value, string name, string field, string id, byte[] key)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var output = new byte[_nonceSize + plain.Length + _tagSize];
        var nonce = output.AsSpan(0, _nonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, _tagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(_nonceSize, plain.Length), output.AsSpan(_nonceSize + plain.Length), Associated(name, field));
        return _prefix + id + ":" + Convert.ToBase64String(output);
    }

    private string? TryDecrypt(string value, string name, string field, out string? plain)
    {
        plain = null;
        var rest = value[_prefix.Length..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return "the encrypted value is malformed";
        }

        var id = rest[..colon];
        var key = _keys.FirstOrDefault(k => k.Id == id).Key;
        if (key is null)
        {
            return $"encrypted with key {id}, which is not among the configured keys (Encryption:Keys, Encryption:KeyFile)";
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(rest[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return "the encrypted value is malformed";
        }

        if (data.Length < _nonceSize + _tagSize)
        {
            return "the encrypted value is malformed";
        }

        var output = new byte[data.Length - _nonceSize - _tagSize];
        try
        {
            using var aes = new AesGcm(key, _tagSize);
            aes.Decrypt(data.AsSpan(0, _nonceSize), data.AsSpan(_nonceSize, output.Length), data.AsSpan(_nonceSize + output.Length), output, Associated(name, field));
        }
        catch (AuthenticationTagMismatchException)
        {
            return $"the value does not decrypt with key {id} (changed, or moved from another object)";
        }

        plain = Encoding.UTF8.GetString(output);
        return null;
    }

    private static byte[] Associated(string name, string field) => Encoding.UTF8.GetBytes($"{PediaClusterResource.StorageKey}/{name}/spec.{field}");

    private void Add(string text, string where)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{where}: an encryption key must be base64 of 32 bytes (e.g. openssl rand -base64 32)");
        }

        if (key.Length != 32)
        {
            throw new InvalidOperationException($"{where}: an encryption key must be 32 bytes (AES-256), this one is {key.Length}");
        }

        _keys.Add((KeyId(key), key));
    }

    /// <summary>A short public name of a key (not a secret: a hash prefix), stored with each value to find its key.</summary>
    private static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..8];

    private static string DefaultKeyFile(StorageOptions storage)
    {
        if (storage.Engine == StorageOptions.Sqlite)
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = storage.ConnectionString };
            if (builder.TryGetValue("Data Source", out var source) && source is string path && path.Length > 0 && !path.Contains(":memory:", StringComparison.Ordinal))
            {
                return path + ".key";
            }
        }

        return "clusterpedia-encryption.key";
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "No encryption key configured for PediaCluster credentials: generated one into {Path} (mode 0600). Keep a copy; see docs/security.md#credentials")]
    private static partial void LogGeneratedKey(ILogger logger, string path);
}
