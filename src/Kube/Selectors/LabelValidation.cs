using System.Text;

namespace Clusterpedia.Kube.Selectors;

/// <summary>
/// The apimachinery validation rules for label keys (qualified names) and label values, returning the same
/// messages as <c>k8s.io/apimachinery/pkg/util/validation</c> so errors read like the apiserver's.
/// </summary>
public static class LabelValidation
{
    public const int QualifiedNameMaxLength = 63;
    public const int LabelValueMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;

    internal const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    internal const string QualifiedNameErrMsg =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    internal const string LabelValueFmt = "(" + QualifiedNameFmt + ")?";
    internal const string LabelValueErrMsg =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    internal const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    internal const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    internal const string Dns1123SubdomainErrMsg =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    /// <summary>A label key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static IReadOnlyList<string> IsQualifiedName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        string name;
        if (slash < 0)
        {
            name = value;
        }
        else if (value.IndexOf('/', slash + 1) >= 0)
        {
            errors.Add("a qualified name " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return errors;
        }
        else
        {
            var prefix = value[..slash];
            name = value[(slash + 1)..];
            if (prefix.Length == 0)
            {
                errors.Add("prefix part must be non-empty");
            }
            else
            {
                foreach (var message in IsDns1123Subdomain(prefix))
                {
                    errors.Add("prefix part " + message);
                }
            }
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else if (Utf8Length(name) > QualifiedNameMaxLength)
        {
            errors.Add("name part " + MaxLenError(QualifiedNameMaxLength));
        }

        if (!IsQualifiedNamePart(name))
        {
            errors.Add("name part " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc"));
        }

        return errors;
    }

    /// <summary>A label value: empty, or at most 63 characters of <c>[-A-Za-z0-9_.]</c> starting and ending alphanumeric.</summary>
    public static IReadOnlyList<string> IsValidLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (Utf8Length(value) > LabelValueMaxLength)
        {
            errors.Add(MaxLenError(LabelValueMaxLength));
        }

        if (value.Length != 0 && !IsQualifiedNamePart(value))
        {
            errors.Add(RegexError(LabelValueErrMsg, LabelValueFmt, "MyValue", "my_value", "12345"));
        }

        return errors;
    }

    /// <summary>A lowercase RFC 1123 subdomain (e.g. a label key prefix, most object names).</summary>
    public static IReadOnlyList<string> IsDns1123Subdomain(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (Utf8Length(value) > Dns1123SubdomainMaxLength)
        {
            errors.Add(MaxLenError(Dns1123SubdomainMaxLength));
        }

        if (!IsDns1123SubdomainSyntax(value))
        {
            errors.Add(RegexError(Dns1123SubdomainErrMsg, Dns1123SubdomainFmt, "example.com"));
        }

        return errors;
    }

    /// <summary>The checks of <see cref="IsQualifiedName"/> without the messages, for hot paths (printing selectors).</summary>
    public static bool IsLabelKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? value : value[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = value[..slash];
            if (!IsDns1123SubdomainSyntax(prefix) || Utf8Length(prefix) > Dns1123SubdomainMaxLength)
            {
                return false;
            }
        }

        return Utf8Length(name) <= QualifiedNameMaxLength && IsQualifiedNamePart(name);
    }

    /// <summary>The checks of <see cref="IsValidLabelValue"/> without the messages.</summary>
    public static bool IsLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length == 0 || (Utf8Length(value) <= LabelValueMaxLength && IsQualifiedNamePart(value));
    }

    /// <summary>The checks of <see cref="IsDns1123Subdomain"/> without the messages (object names, API groups).</summary>
    public static bool IsDns1123SubdomainName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Utf8Length(value) <= Dns1123SubdomainMaxLength && IsDns1123SubdomainSyntax(value);
    }

    private static bool IsAsciiAlphanumeric(char c) => char.IsAsciiLetterOrDigit(c);

    private static bool IsQualifiedNamePart(string value)
    {
        if (value.Length == 0 || !IsAsciiAlphanumeric(value[0]) || !IsAsciiAlphanumeric(value[^1]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!IsAsciiAlphanumeric(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDns1123SubdomainSyntax(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var label in value.Split('.'))
        {
            if (label.Length == 0 || !IsLowerAlphanumeric(label[0]) || !IsLowerAlphanumeric(label[^1]))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!IsLowerAlphanumeric(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    private static int Utf8Length(string value) => Encoding.UTF8.GetByteCount(value);

    private static string MaxLenError(int length) => $"must be no more than {length} characters";

    // Mirrors validation.RegexError, double spaces included: kubectl users grep for these strings.
    private static string RegexError(string message, string format, params string[] examples)
    {
        var sb = new StringBuilder(message);
        sb.Append(" (e.g. ");
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(" or ");
            }

            sb.Append('\'').Append(examples[i]).Append("', ");
        }

        sb.Append("regex used for validation is '").Append(format).Append("')");
        return sb.ToString();
    }
}
