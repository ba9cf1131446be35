using System.Text;

namespace Clusterpedia.Kube.Client;

/// <summary>Builds a URL query string, skipping empty values.</summary>
internal sealed class QueryBuilder
{
    private readonly StringBuilder _sb = new();

    public void Add(string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (_sb.Length > 0)
        {
            _sb.Append('&');
        }

        _sb.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    public override string ToString() => _sb.ToString();
}
