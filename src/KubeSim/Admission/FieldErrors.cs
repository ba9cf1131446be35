using System.Globalization;

namespace Clusterpedia.KubeSim.Admission;

/// <summary>
/// Collects validation errors worded as apimachinery's field.Error prints them (<c>path: Required value: detail</c>,
/// <c>path: Invalid value: "x": detail</c>, <c>path: Unsupported value: "x": supported values: "a", "b"</c>) and turns
/// them into one 422 Invalid Status, as kube-apiserver's registry does.
/// </summary>
internal sealed class FieldErrors
{
    private readonly List<(string Field, string Message)> _errors = [];

    public int Count => _errors.Count;

    public void Required(string field, string detail = "") =>
        Add(field, detail.Length == 0 ? "Required value" : $"Required value: {detail}");

    public void Invalid(string field, object? value, string detail) => Add(field, $"Invalid value: {Go(value)}: {detail}");

    public void NotSupported(string field, string value, params string[] supported) =>
        Add(field, $"Unsupported value: {Quote(value)}: supported values: {string.Join(", ", supported.Select(Quote))}");

    public void Duplicate(string field, string value) => Add(field, $"Duplicate value: {Quote(value)}");

    public void Forbidden(string field, string detail) => Add(field, $"Forbidden: {detail}");

    /// <summary>Throws 422 <c>Kind.group "name" is invalid: ...</c> when anything was collected.</summary>
    public void ThrowIfAny(string group, string kind, string name)
    {
        if (_errors.Count == 0)
        {
            return;
        }

        var messages = _errors.Select(e => $"{e.Field}: {e.Message}").Distinct(StringComparer.Ordinal).ToList();
        var aggregate = messages.Count == 1 ? messages[0] : "[" + string.Join(", ", messages) + "]";
        throw new SimulatorApiException(422, "Invalid", $"{kind}.{group} \"{name}\" is invalid: {aggregate}", name, group, kind)
        {
            Causes = [.. _errors],
        };
    }

    private void Add(string field, string message) => _errors.Add((field, message));

    private static string Go(object? value) => value switch
    {
        null => "null",
        string text => Quote(text),
        IEnumerable<string> list => "[]string{" + string.Join(", ", list.Select(Quote)) + "}",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
