using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Configuration;

/// <summary>
/// The effective configuration (<c>--print-config</c>): every bound options section as the server resolved it,
/// defaults included, in the shape CLUSTERPEDIA_CONFIG takes, so the output can be fed back as it is. Secrets are
/// replaced by <see cref="Redacted"/>: passwords inside connection strings, encryption keys, and any key whose name
/// ends in Password or Token.
/// </summary>
internal static partial class ConfigurationPrinter
{
    public const string Redacted = "<redacted>";

    private static readonly JsonSerializerOptions _indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Print(IServiceProvider services, ConfigSchema schema) =>
        Build(services, schema).ToJsonString(_indented);

    public static JsonObject Build(IServiceProvider services, ConfigSchema schema)
    {
        var root = new JsonObject();
        foreach (var binding in schema.Bindings)
        {
            var monitor = services.GetRequiredService(typeof(IOptionsMonitor<>).MakeGenericType(binding.OptionsType));
            var value = monitor.GetType().GetMethod(nameof(IOptionsMonitor<>.Get), [typeof(string)])!.Invoke(monitor, BindingFlags.DoNotWrapExceptions, null, [binding.Name], CultureInfo.InvariantCulture);
            var node = root;
            if (binding.Path.Length > 0)
            {
                foreach (var segment in binding.Path.Split(':'))
                {
                    if (node[segment] is not JsonObject child)
                    {
                        child = [];
                        node[segment] = child;
                    }

                    node = child;
                }
            }

            var shape = ConfigShape.NewObject();
            shape.AddPropertiesOf(binding.OptionsType);
            WriteMembers(node, value, shape, binding.Path);
        }

        return root;
    }

    private static void WriteMembers(JsonObject node, object? value, ConfigShape shape, string path)
    {
        foreach (var member in shape.Members)
        {
            if (member.Property is null || node.ContainsKey(member.Name))
            {
                continue;
            }

            var memberPath = path.Length == 0 ? member.Name : path + ":" + member.Name;
            node[member.Name] = Write(value is null ? null : member.Property.GetValue(value), member.Shape, memberPath);
        }
    }

    private static JsonNode? Write(object? value, ConfigShape shape, string path)
    {
        if (value is null)
        {
            return null;
        }

        switch (shape.Kind)
        {
            case ConfigShapeKind.Scalar:
                return Scalar(value, path);
            case ConfigShapeKind.List:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in (IEnumerable)value)
                {
                    array.Add(Write(item, shape.Element!, path + ":" + index++));
                }

                return array;
            case ConfigShapeKind.Map:
                var map = new JsonObject();
                if (value is IDictionary dictionary)
                {
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!;
                        map[key] = Write(entry.Value, shape.Element!, path + ":" + key);
                    }
                }

                return map;
            default:
                var obj = new JsonObject();
                WriteMembers(obj, value, shape, path);
                return obj;
        }
    }

    private static JsonNode? Scalar(object value, string path)
    {
        var name = path[(path.LastIndexOf(':') + 1)..];
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            // A list item: judged by the list's name.
            var parent = path[..path.LastIndexOf(':')];
            name = parent[(parent.LastIndexOf(':') + 1)..];
        }

        return value switch
        {
            string text when IsSecret(path, name) => text.Length == 0 ? text : Redacted,
            string text when name.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase) || name.EndsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase) => RedactConnectionString(text),
            string text => text,
            bool flag => flag,
            TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
            Enum => value.ToString(),
            int or long or short or byte or uint or ushort or sbyte => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
            ulong big => big,
            double or float or decimal => JsonValue.Create(Convert.ToDecimal(value, CultureInfo.InvariantCulture)),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }

    private static bool IsSecret(string path, string name) =>
        name.EndsWith("Password", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("Token", StringComparison.OrdinalIgnoreCase)
        || (path.StartsWith("Encryption:", StringComparison.OrdinalIgnoreCase) && name.Equals("Keys", StringComparison.OrdinalIgnoreCase));

    /// <summary>The connection string with its password values replaced, the rest as written.</summary>
    private static string RedactConnectionString(string text) =>
        PasswordInConnectionString().Replace(text, m => m.Groups["key"].Value + Redacted);

    // A Password or Pwd key and its value: quoted ("..." or '...', quotes doubled inside) or up to the next semicolon.
    [GeneratedRegex("""(?<key>(?:^|;)\s*(?:password|pwd)\s*=\s*)(?:"(?:[^"]|"")*"|'(?:[^']|'')*'|[^;]*)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordInConnectionString();
}
