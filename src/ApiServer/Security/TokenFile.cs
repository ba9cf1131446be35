using Clusterpedia.Kube.Server;

namespace Clusterpedia.ApiServer.Security;

/// <summary>
/// kube-apiserver's <c>--token-auth-file</c>: CSV lines <c>token,user,uid,"group1,group2"</c> (groups optional);
/// blank lines and lines starting with # are skipped.
/// </summary>
internal static class TokenFile
{
    public static IReadOnlyDictionary<string, UserInfo> Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Security: --token-auth-file {path}: {e.Message}", e);
        }

        var users = new Dictionary<string, UserInfo>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = SplitCsv(line);
            if (fields.Count < 3 || fields[0].Length == 0 || fields[1].Length == 0)
            {
                throw new InvalidOperationException($"Security: --token-auth-file {path} line {i + 1}: want token,user,uid[,\"group1,group2\"]");
            }

            var groups = fields.Count > 3 ? SecurityOptions.SplitList(fields[3]) : [];
            users[fields[0]] = UserInfo.Authenticated(fields[1], fields[2], groups);
        }

        return users;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString().Trim());
        return fields;
    }
}
