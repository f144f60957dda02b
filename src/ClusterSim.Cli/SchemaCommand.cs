using System.CommandLine;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Cli;

/// <summary>`clustersim schema`: the JSON Schema of experiment files, for editors that validate YAML as you type.</summary>
internal static class SchemaCommand
{
    public static Command Build()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write the schema to this file instead of standard output." };
        var command = new Command("schema", "Print the JSON Schema of experiment files (for editor validation and completion).") { output };
        command.SetAction(result =>
        {
            string schema = ExperimentLoader.JsonSchema();
            if (result.GetValue(output) is { } file)
            {
                AtomicFile.WriteText(file, schema);
                Console.Error.WriteLine($"schema: {Path.GetFullPath(file)}");
            }
            else
            {
                Console.Out.Write(schema);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
