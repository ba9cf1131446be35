using System.Reflection;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Configuration;

/// <summary>
/// Every configuration key the server binds, found in the service collection: each options type bound to a section
/// (<c>AddOptions&lt;T&gt;().Bind(section)</c> and <c>Configure&lt;T&gt;(section)</c> register a
/// <see cref="ConfigurationChangeTokenSource{TOptions}"/> holding the section) contributes its properties under the
/// section's path, so a new options section is known as soon as it is registered, with no list to edit. Only our own
/// options types (assemblies named Clusterpedia.*) count: the framework binds its own (logging, host filtering) and
/// those keys are left to it (<see cref="FrameworkKeys"/>).
/// </summary>
internal sealed class ConfigSchema
{
    /// <summary>
    /// Top-level keys that belong to ASP.NET Core and .NET hosting rather than to an options section of ours; their
    /// contents are not checked (see docs/configuration.md).
    /// </summary>
    public static readonly IReadOnlySet<string> FrameworkKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Logging", "Kestrel", "AllowedHosts", "AllowEmptyHosts", "IncludeFailureMessage", "Metrics", "urls", "http_ports", "https_ports", "environment", "applicationName",
        "contentRoot", "webroot", "detailedErrors", "shutdownTimeoutSeconds", "captureStartupErrors",
        "suppressStatusMessages", "preventHostingStartup", "hostingStartupAssemblies", "hostingStartupExcludeAssemblies",
        "hostBuilder", "startupAssembly", ClusterpediaConfig.EnvironmentVariable,
    };

    private ConfigSchema(IReadOnlyList<ConfigBinding> bindings)
    {
        Bindings = bindings;
        foreach (var binding in bindings)
        {
            var shape = Root;
            if (binding.Path.Length > 0)
            {
                foreach (var segment in binding.Path.Split(':'))
                {
                    if (shape.Find(segment) is not { } member)
                    {
                        member = new ConfigMember(segment, ConfigShape.NewObject(), null);
                        shape.Members.Add(member);
                    }

                    shape = member.Shape;
                }
            }

            if (shape.Kind is ConfigShapeKind.Object)
            {
                shape.AddPropertiesOf(binding.OptionsType);
            }
        }
    }

    /// <summary>The whole configuration as one object shape: the sections at the top.</summary>
    public ConfigShape Root { get; } = ConfigShape.NewObject();

    /// <summary>The bound options, in registration order.</summary>
    public IReadOnlyList<ConfigBinding> Bindings { get; }

    public static ConfigSchema FromServices(IServiceCollection services)
    {
        var bindings = new List<ConfigBinding>();
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType.IsGenericType
                && descriptor.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>)
                && descriptor.ImplementationInstance is { } source
                && source.GetType().IsGenericType
                && source.GetType().GetGenericTypeDefinition() == typeof(ConfigurationChangeTokenSource<>)
                && descriptor.ServiceType.GetGenericArguments()[0].Assembly.GetName().Name?.StartsWith("Clusterpedia.", StringComparison.Ordinal) == true
                && SectionOf(source) is { } path)
            {
                var binding = new ConfigBinding(path, descriptor.ServiceType.GetGenericArguments()[0], NameOf(source));
                if (!bindings.Contains(binding))
                {
                    bindings.Add(binding);
                }
            }
        }

        return new ConfigSchema(bindings);
    }

    /// <summary>A schema of the given sections only (the few read before the services are registered).</summary>
    public static ConfigSchema Of(params IEnumerable<(string Path, Type Type)> sections) =>
        new([.. sections.Select(s => new ConfigBinding(s.Path, s.Type, Options.DefaultName))]);

    /// <summary>
    /// The section a change-token source watches. Its public surface does not expose it, hence the private field; a
    /// test (ConfigSchemaTests) fails if a framework update renames it, rather than every section going unchecked.
    /// </summary>
    private static string? SectionOf(object source) =>
        source.GetType().GetField("_config", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(source) switch
        {
            IConfigurationSection section => section.Path,
            IConfigurationRoot => "",
            _ => null,
        };

    private static string NameOf(object source) =>
        source.GetType().GetProperty("Name")?.GetValue(source) as string ?? Options.DefaultName;
}
