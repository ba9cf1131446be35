using Clusterpedia.Kube.Server;
namespace Clusterpedia.KubeSim.Security;

/// <summary>
/// kube-apiserver's <c>--token-auth-file</c>: CSV lines <c>token,user,uid,"group1,group2"</c> (groups optional,
/// blank lines skipped). A malformed line fails the start with its line number, as kube-apiserver refuses to start.
/// </summary>
internal static class TokenFile
{
    public static Dictionary<string, UserInfo> Load(string path)
    {
        var users = new Dictionary<string, UserInfo>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var fields = SplitCsv(line, path, number);
            if (fields.Count < 3)
            {
                throw new InvalidOperationException(
                    $"token file '{path}' must have at least 3 columns (token, user name, user uid), found {fields.Count} on line {number}");
            }

            if (fields[0].Length == 0)
            {
                throw new InvalidOperationException($"token file '{path}': empty token on line {number}");
            }

            var groups = fields.Count > 3 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            // The last line wins for a repeated token, like kube-apiserver (which warns about it).
            users[fields[0]] = UserInfo.Authenticated(fields[1], fields[2].Length == 0 ? null : fields[2], groups);
        }

        return users;
    }

    private static List<string> SplitCsv(string line, string path, int number)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"' && current.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (quoted)
        {
            throw new InvalidOperationException($"token file '{path}': unterminated quote on line {number}");
        }

        fields.Add(current.ToString());
        return fields;
    }
}
