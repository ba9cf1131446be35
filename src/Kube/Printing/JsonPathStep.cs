using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>One step of a <see cref="SimpleJsonPath"/>: maps each input value to the values it selects.</summary>
internal sealed record JsonPathStep(
    JsonPathStepKind Kind,
    string Name = "",
    List<string>? Names = null,
    List<int>? Indexes = null,
    (int? Start, int? End, int Step) Slice = default,
    JsonPathFilter? Filter = null)
{
    public void Apply(JsonElement element, List<JsonElement> output)
    {
        switch (Kind)
        {
            case JsonPathStepKind.Field:
                AddField(element, Name, output);
                break;
            case JsonPathStepKind.Fields:
                foreach (var name in Names!)
                {
                    AddField(element, name, output);
                }

                break;
            case JsonPathStepKind.Wildcard:
                AddChildren(element, output);
                break;
            case JsonPathStepKind.Indexes when element.ValueKind == JsonValueKind.Array:
                var length = element.GetArrayLength();
                foreach (var index in Indexes!)
                {
                    var at = index < 0 ? index + length : index;
                    if (at >= 0 && at < length)
                    {
                        output.Add(element[at]);
                    }
                }

                break;
            case JsonPathStepKind.Slice when element.ValueKind == JsonValueKind.Array:
                AddSlice(element, output);
                break;
            case JsonPathStepKind.Recursive:
                AddRecursive(element, output);
                break;
            case JsonPathStepKind.Filter when element.ValueKind == JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (Filter!.Matches(item))
                    {
                        output.Add(item);
                    }
                }

                break;
        }
    }

    private static void AddField(JsonElement element, string name, List<JsonElement> output)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value))
        {
            output.Add(value);
        }
    }

    private static void AddChildren(JsonElement element, List<JsonElement> output)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                output.Add(property.Value);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            output.AddRange(element.EnumerateArray());
        }
    }

    private static void AddRecursive(JsonElement element, List<JsonElement> output)
    {
        var children = new List<JsonElement>();
        AddChildren(element, children);
        if (children.Count == 0)
        {
            return;
        }

        output.Add(element);
        foreach (var child in children)
        {
            AddRecursive(child, output);
        }
    }

    private void AddSlice(JsonElement element, List<JsonElement> output)
    {
        var length = element.GetArrayLength();
        var start = Clamp(Slice.Start ?? 0, length);
        var end = Clamp(Slice.End ?? length, length);
        for (var i = start; i < end; i += Slice.Step)
        {
            output.Add(element[i]);
        }
    }

    private static int Clamp(int index, int length)
    {
        if (index < 0)
        {
            index += length;
        }

        return Math.Clamp(index, 0, length);
    }
}
