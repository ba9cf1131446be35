namespace Clusterpedia.Ctl;

/// <summary>Columns padded as kubectl pads them: each as wide as its widest cell, three spaces between.</summary>
internal static class TextTable
{
    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<string[]> rows)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in rows)
        {
            var cells = row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i] + 3));
            await writer.WriteLineAsync(string.Concat(cells).TrimEnd()).ConfigureAwait(false);
        }
    }
}
