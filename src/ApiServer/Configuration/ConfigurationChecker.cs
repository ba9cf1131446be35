using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Clusterpedia.ApiServer.Configuration;

/// <summary>
/// Refuses configuration the binder would silently ignore or fail on later: a key no options type has (a typo), a
/// value that does not convert to its property's type, a plain value where a section or list belongs. Each source is
/// checked on its own so the message says where the key came from. CLUSTERPEDIA_CONFIG, appsettings files and the
/// command line are ours entirely: an unknown top-level key there is refused too. Environment variables are checked
/// only under our sections, since the environment holds many variables that are not meant for us (PATH, HOME...).
/// </summary>
internal static class ConfigurationChecker
{
    private const int _maxShownValue = 60;

    /// <summary>
    /// Throws <see cref="InvalidConfigurationException"/> listing every problem, one per line. With
    /// <c>typesOnly</c>, only values of the wrong type (for the sections read before every options type is registered).
    /// </summary>
    public static void ThrowIfInvalid(IConfigurationRoot configuration, ConfigSchema schema, bool typesOnly = false)
    {
        var errors = Check(configuration, schema, typesOnly);
        if (errors.Count > 0)
        {
            throw new InvalidConfigurationException(string.Join('\n', errors));
        }
    }

    public static List<string> Check(IConfigurationRoot configuration, ConfigSchema schema, bool typesOnly = false)
    {
        var errors = new List<string>();
        var providers = configuration.Providers.ToList();
        // WebApplication's own command-line source knows none of our short flags (--host-kubeconfig); the one the
        // server adds maps them. Only the last one is checked.
        var commandLine = providers.LastOrDefault(p => p is CommandLineConfigurationProvider);
        foreach (var provider in providers)
        {
            Origin? origin = provider switch
            {
                JsonStreamConfigurationProvider => new Origin(ClusterpediaConfig.EnvironmentVariable, Strict: true, EnvironmentStyle: false),
                JsonConfigurationProvider file => new Origin(Path.GetFileName(file.Source.Path) ?? "appsettings", Strict: true, EnvironmentStyle: false),
                CommandLineConfigurationProvider when ReferenceEquals(provider, commandLine) => new Origin("command line", Strict: true, EnvironmentStyle: false, Flag: true),
                EnvironmentVariablesConfigurationProvider => new Origin("environment", Strict: false, EnvironmentStyle: true),
                _ => null,
            };
            if (origin is not null)
            {
                new Walker(provider, origin, typesOnly, errors).CheckRoot(schema.Root);
            }
        }

        return errors;
    }

    private sealed record Origin(string Name, bool Strict, bool EnvironmentStyle, bool Flag = false);

    private sealed class Walker(IConfigurationProvider provider, Origin origin, bool typesOnly, List<string> errors)
    {
        public void CheckRoot(ConfigShape root)
        {
            foreach (var key in ChildKeys(null))
            {
                if (root.Find(key) is { } member)
                {
                    CheckNode(key, member.Shape);
                }
                else if (!typesOnly && origin.Strict && !ConfigSchema.FrameworkKeys.Contains(key))
                {
                    Add($"{Show(key)} is not a known key; known top-level keys: {string.Join(", ", root.Members.Select(m => m.Name))} (and the framework's: Logging, Kestrel, urls, AllowedHosts...)");
                }
            }
        }

        private void CheckNode(string path, ConfigShape shape)
        {
            var hasValue = provider.TryGet(path, out var value) && !string.IsNullOrEmpty(value);
            // An empty text fails the binder's conversion for every scalar but a string or a nullable (JSON null is no text at all).
            var convertible = hasValue || (value is not null && shape.Kind is ConfigShapeKind.Scalar && !shape.Nullable);
            var children = ChildKeys(path);
            switch (shape.Kind)
            {
                case ConfigShapeKind.Scalar:
                    if (children.Count > 0 && !typesOnly)
                    {
                        Add($"{Show(path)} is a value ({shape.Describe()}), not a section; {Show(path + ":" + children[0])} is not a known key");
                    }
                    else if (convertible && ConversionError(shape.ScalarType!, value!) is { } error)
                    {
                        Add($"{Show(path)}: \"{Truncate(value!)}\" is not {error}");
                    }
                    else if (hasValue && shape.AllowedValues is { } allowed && !allowed.Contains(value!, StringComparer.OrdinalIgnoreCase))
                    {
                        Add($"{Show(path)}: \"{Truncate(value!)}\" is not one of {string.Join(", ", allowed)}");
                    }

                    break;
                case ConfigShapeKind.Object:
                    if (hasValue && !typesOnly)
                    {
                        Add($"{Show(path)} is a section with the keys {string.Join(", ", shape.Members.Select(m => m.Name))}, not a value");
                    }

                    foreach (var key in children)
                    {
                        if (shape.Find(key) is { } member)
                        {
                            CheckNode(path + ":" + key, member.Shape);
                        }
                        else if (!typesOnly)
                        {
                            Add($"{Show(path + ":" + key)} is not a known key; known keys of {path}: {string.Join(", ", shape.Members.Select(m => m.Name))}");
                        }
                    }

                    break;
                default:
                    var list = shape.Kind is ConfigShapeKind.List;
                    if (hasValue && !typesOnly)
                    {
                        Add(list
                            ? $"{Show(path)} is a list of {shape.Element!.Describe()}; give it as a JSON array, or its items as {Show(path + ":0")}, {Show(path + ":1")}..."
                            : $"{Show(path)} is a map of {shape.Element!.Describe()}; give it as a JSON object, or its entries as {Show(path + ":<name>")}");
                    }

                    foreach (var key in children)
                    {
                        if (list && !int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                        {
                            if (!typesOnly)
                            {
                                Add($"{Show(path + ":" + key)}: a list's items are numbered 0, 1, 2...");
                            }

                            continue;
                        }

                        CheckNode(path + ":" + key, shape.Element!);
                    }

                    break;
            }
        }

        private List<string> ChildKeys(string? parentPath) =>
            [.. provider.GetChildKeys([], parentPath).Distinct(StringComparer.OrdinalIgnoreCase)];

        private string Show(string path) =>
            origin.EnvironmentStyle ? $"{path} ({path.Replace(":", "__", StringComparison.Ordinal)})"
            : origin.Flag ? "--" + path
            : path;

        private void Add(string message)
        {
            var line = origin.Name + ": " + message;
            if (!errors.Contains(line))
            {
                errors.Add(line);
            }
        }
    }

    /// <summary>What the binder would fail to convert, as "a boolean (true or false)"; null when it converts.</summary>
    internal static string? ConversionError(Type type, string value)
    {
        if (type == typeof(string))
        {
            return null;
        }

        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return null;
        }
#pragma warning disable CA1031 // Type converters throw a wide range of exceptions (even Exception itself) for bad text.
        catch (Exception)
#pragma warning restore CA1031
        {
            return type == typeof(bool) ? "a boolean (true or false)"
                : type == typeof(TimeSpan) ? "a duration ([d.]hh:mm:ss[.fff], e.g. 00:00:30 for 30 seconds)"
                : type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type))
                : ConfigShape.IsInteger(type) ? $"an integer (in the range of {type.Name})"
                : "a valid " + type.Name;
        }
    }

    private static string Truncate(string value) => value.Length <= _maxShownValue ? value : value[.._maxShownValue] + "...";
}
