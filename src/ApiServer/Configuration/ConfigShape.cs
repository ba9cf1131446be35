using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace Clusterpedia.ApiServer.Configuration;

/// <summary>
/// What configuration may hold at one path, read from the options types the way ConfigurationBinder binds them: a
/// scalar (converted from a string), an object whose children are the settable properties (and child sections), a
/// list whose children are indexes, or a map whose children are any key. Unknown-key checks and --print-config walk it.
/// </summary>
internal sealed class ConfigShape
{
    private ConfigShape(ConfigShapeKind kind, Type? scalarType, ConfigShape? element, bool nullable = false)
    {
        Nullable = nullable;
        Kind = kind;
        ScalarType = scalarType;
        Element = element;
    }

    public ConfigShapeKind Kind { get; }

    /// <summary>The CLR type of a scalar (nullable unwrapped).</summary>
    public Type? ScalarType { get; }

    /// <summary>The values a <c>[AllowedValues]</c> property takes (compared ignoring case), if it has the attribute.</summary>
    public IReadOnlyList<string>? AllowedValues { get; private init; }

    /// <summary>A scalar of a nullable value type (<c>int?</c>): empty text binds as null.</summary>
    public bool Nullable { get; }

    /// <summary>The shape of a list's elements or a map's values.</summary>
    public ConfigShape? Element { get; }

    /// <summary>An object's members in declaration order, case-insensitive like the binder; each with the property it binds, if any.</summary>
    public List<ConfigMember> Members { get; } = [];

    public ConfigMember? Find(string key) =>
        Members.Find(m => string.Equals(m.Name, key, StringComparison.OrdinalIgnoreCase));

    public static ConfigShape NewObject() => new(ConfigShapeKind.Object, null, null);

    public static ConfigShape For(Type type) => For(type, new HashSet<Type>());

    /// <summary>Adds the bindable properties of <paramref name="type"/> to this object's members (a section bound to several types is their union).</summary>
    public void AddPropertiesOf(Type type) => AddProperties(type, new HashSet<Type>());

    public string Describe() => Kind switch
    {
        ConfigShapeKind.Scalar => DescribeScalar(ScalarType!),
        ConfigShapeKind.List => "list of " + Element!.Describe(),
        ConfigShapeKind.Map => "map of " + Element!.Describe(),
        _ => "object",
    };

    private static string DescribeScalar(Type type) =>
        type == typeof(string) ? "string"
        : type == typeof(bool) ? "boolean"
        : type == typeof(TimeSpan) ? "duration"
        : type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type))
        : IsInteger(type) ? "integer"
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "number"
        : type.Name;

    internal static bool IsInteger(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
        || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte);

    private static ConfigShape For(Type type, HashSet<Type> visiting)
    {
        var underlying = System.Nullable.GetUnderlyingType(type);
        type = underlying ?? type;
        if (IsScalar(type))
        {
            return new ConfigShape(ConfigShapeKind.Scalar, type, null, underlying is not null);
        }

        if (type.IsArray)
        {
            return new ConfigShape(ConfigShapeKind.List, null, For(type.GetElementType()!, visiting));
        }

        if (DictionaryValueType(type) is { } value)
        {
            return new ConfigShape(ConfigShapeKind.Map, null, For(value, visiting));
        }

        if (EnumerableElementType(type) is { } element)
        {
            return new ConfigShape(ConfigShapeKind.List, null, For(element, visiting));
        }

        var shape = NewObject();
        shape.AddProperties(type, visiting);
        return shape;
    }

    private void AddProperties(Type type, HashSet<Type> visiting)
    {
        if (!visiting.Add(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0 || Find(property.Name) is not null)
            {
                continue;
            }

            var shape = For(property.PropertyType, visiting);
            if (shape.Kind is ConfigShapeKind.Scalar && property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
            {
                shape = new ConfigShape(shape.Kind, shape.ScalarType, null, shape.Nullable)
                {
                    AllowedValues = [.. allowed.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "")],
                };
            }

            // The binder sets a property through a public setter, or fills the collection or object a getter returns;
            // a get-only scalar (a computed value such as Enabled) is never bound, so configuring it would be ignored.
            var settable = property.SetMethod is { IsPublic: true };
            if (settable || shape.Kind is not ConfigShapeKind.Scalar)
            {
                Members.Add(new ConfigMember(property.Name, shape, property));
            }
        }

        visiting.Remove(type);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);

    private static Type? DictionaryValueType(Type type)
    {
        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() is var definition
                && (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
                && candidate.GetGenericArguments()[0] == typeof(string))
            {
                return candidate.GetGenericArguments()[1];
            }
        }

        return null;
    }

    private static Type? EnumerableElementType(Type type)
    {
        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }
}
