using System.CommandLine;
using System.Globalization;
using ClusterSim.Core.Catalog;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Cli;

/// <summary>
/// `clustersim catalog import-model CONFIG`: a model-catalog row from a Hugging Face config.json, printed or written into
/// a models CSV that experiments (<c>catalog: { models: FILE }</c>) and <c>--models</c> read.
/// </summary>
internal static class ImportModelCommand
{
    public static Command Build()
    {
        var config = new Argument<string>("config") { Description = "A Hugging Face config.json, the checkpoint directory holding one, or a repository id (org/name) already in the local Hugging Face cache (nothing is downloaded)." };
        var id = new Option<string?>("--id") { Description = "The id experiments and measured runs name the model by (the checkpoint's name, or its directory's, when omitted)." };
        var name = new Option<string?>("--name") { Description = "A display name (the id when omitted)." };
        var alias = new Option<string[]>("--alias") { Description = "Other names the model answers to (a Hugging Face repository id, say); repeat for several.", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--output", "-o") { Description = "A models CSV to add the row to (created with its header when absent; a row of the same id is replaced). Printed to standard output when omitted." };
        var command = new Command("import-model", "Read a Hugging Face config.json into a model-catalog row: layers, widths, heads, experts, MLA ranks, sliding-window layers, context and the checkpoint's weight format, with the parameter counts it implies.")
        {
            config, id, name, alias, output,
        };
        command.SetAction(r => Run(r.GetValue(config)!, r.GetValue(id), r.GetValue(name), r.GetValue(alias) ?? [], r.GetValue(output)));
        return command;
    }

    private static int Run(string path, string? id, string? name, string[] aliases, string? output)
    {
        ImportedModel model;
        ModelSpec spec;
        try
        {
            model = ModelFile.ReadConfig(path, path, id, name, aliases);
            spec = model.Spec(path);
        }
        catch (Exception e) when (e is CatalogException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        foreach (string note in model.Notes)
        {
            Console.Error.WriteLine($"note: {note}");
        }

        Console.Error.WriteLine(Describe(spec));
        if (output is null)
        {
            Console.WriteLine(model.Header);
            Console.WriteLine(model.Row);
            return ExitCodes.Success;
        }

        try
        {
            bool replaced = Write(output, model);
            Console.Error.WriteLine($"{(replaced ? "replaced" : "added")} {model.Id} in {output}; use it with `catalog: {{ models: {output} }}` or --models {output}");
            return ExitCodes.Success;
        }
        catch (CatalogException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write {output}: {e.Message}");
        }

        return ExitCodes.InvalidInput;
    }

    /// <summary>The model as the simulator will see it: shape, parameter counts and KV cache per token.</summary>
    private static string Describe(ModelSpec m)
    {
        string attention = m.IsMla ? FormattableString.Invariant($" (latent attention: KV rank {m.KvLoraRank} + rope {m.RopeHeadDim})") : string.Empty;
        string mlp = m.IsMoE ? FormattableString.Invariant($", {m.Experts} experts of {m.ExpertFfn} (top {m.TopK}, {m.SharedExperts} shared) in {m.MoELayers} layers") : FormattableString.Invariant($", MLP {m.Ffn}");
        string window = m.SlidingWindowLayers > 0 ? FormattableString.Invariant($", {m.SlidingWindowLayers} layers over a {m.SlidingWindow}-token window")
            : m.HasLinearLayers ? FormattableString.Invariant($", {m.LinearLayers} recurrent layers ({m.LinearValueHeads} state heads of {m.LinearKeyDim} x {m.LinearValueDim}; {m.LinearStateBytesPerSequence / 1048576:F1} MiB of state a sequence)")
            : string.Empty;
        string sparse = m.SparseTopK > 0 ? FormattableString.Invariant($", sparse attention over the top {m.SparseTopK} tokens (an indexer of {m.IndexerHeads} heads of {m.IndexerHeadDim} on {m.IndexerLayerCount} layers)") : string.Empty;
        return FormattableString.Invariant($"{m.Id}: {m.Layers} layers, hidden {m.Hidden}, {m.Heads} query heads and {m.KvHeads} KV heads of {m.HeadDim}{attention}{sparse}{mlp}{window}; ")
            + FormattableString.Invariant($"{m.TotalParameters / 1e9:F2} B parameters ({m.ActiveParameters / 1e9:F2} B active a token), {m.KvBytesPerToken(Precision.BF16) / 1024:F1} KiB of KV a token in BF16, {m.MaxContext:N0} tokens of context (check the counts against the model card)");
    }

    /// <summary>Adds or replaces the row in <paramref name="path"/>; true when a row of the same id was replaced.</summary>
    private static bool Write(string path, ImportedModel model)
    {
        if (!File.Exists(path))
        {
            File.WriteAllLines(path, [model.Header, model.Row]);
            return false;
        }

        string text = InputFile.ReadText(path);
        CsvTable table = CsvTable.Parse(new StringReader(text), path);
        string[] expected = model.Header.Split(',');
        string[] found = [.. table.Header.Select(h => h.Trim())];
        if (found.Length > expected.Length || !found.SequenceEqual(expected.Take(found.Length), StringComparer.OrdinalIgnoreCase))
        {
            throw new CatalogException(path, 1, null, $"its header is not a models catalog's ({model.Header}); write to a new file");
        }

        // Rows are replaced by line, so the file's other rows keep their text (quoting, comments in sources) as written; a
        // row ends where the next begins (a quoted source may run over several lines). A file written before the linear
        // layers' columns existed gains them in its header; its rows, shorter, leave them empty.
        List<string> lines = [.. text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n')];
        lines[0] = model.Header;
        int index = table.Rows.ToList().FindIndex(row => string.Equals(table.Cell(row.Cells, "id"), model.Id, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            int first = table.Rows[index].Line - 1;
            int end = index + 1 < table.Rows.Count ? table.Rows[index + 1].Line - 1 : lines.Count;
            lines.RemoveRange(first, end - first);
            lines.Insert(first, model.Row);
            File.WriteAllLines(path, lines);
            return true;
        }

        File.WriteAllLines(path, [.. lines, model.Row]);
        return false;
    }
}
