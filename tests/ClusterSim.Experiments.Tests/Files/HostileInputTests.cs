using ClusterSim.Core.Engine;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Results;

namespace ClusterSim.Experiments.Tests.Files;

/// <summary>Malformed input ends as a located <see cref="ExperimentException"/>, never as another exception, a hang or a crash.</summary>
public class HostileInputTests
{
    private const string Serving = "serving: { model: llama-3.1-8b, hardware: H100-SXM }\nworkload: { arrival: { rate: 1 }, requests: 10 }\n";

    public static TheoryData<string, string, string> Reproducers() => new()
    {
        { "name: x\n{[a]: 1}: 2\n" + Serving, "(root)", "a key must be a plain name" },
        { "name: x\n" + Serving + "sweep: { parameters: { [a]: [1, 2] } }\n", "sweep.parameters", "a swept path must be a plain name" },
        { "name: x\nserving: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)) + "1" + new string('}', 20_000) + "\n", "(syntax)", "nested more than 64 levels deep" },
        { "name: x\nserving: " + new string('[', 100_000) + "\n", "(syntax)", "nested more than 64 levels deep" },
        { "name: x\n" + Serving + "test_time: { thinking_tokens: { kind: lognormal, mean: 100, median: 200 } }\n", "test_time.thinking_tokens.median", "cannot exceed its mean" },
        { "name: x\nserving: { model: llama-3.1-8b, hardware: }\nworkload: { arrival: { rate: 1 } }\n", "serving.hardware", "is empty" },
        { "name: x\ntraining: { model: , hardware: H100-SXM, tokens: 1e9 }\n", "training.model", "is empty" },
        { "name: ../../elsewhere\n" + Serving, "name", "cannot name a results folder" },
        { "name: /tmp/abs\n" + Serving, "name", "cannot name a results folder" },
        { "name: x\ncatalog: { hardware: . }\n" + Serving, "catalog.hardware", "is a directory" },
        {
            "name: x\n" + Serving + "sweep:\n  parameters:\n" + string.Concat(Enumerable.Range(0, 10).Select(i => $"    workload.arrival.rate{i}: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n")),
            "sweep", "10,000,000,000 points; an experiment runs at most 10,000"
        },
        { "name: x\n" + Serving.Replace("requests: 10 }", "requests: 10, trace: { file: . } }", StringComparison.Ordinal).Replace("rate: 1", "kind: trace", StringComparison.Ordinal), "workload.trace.file", "is a directory" },

        // Found by the run fuzz (RunFuzzTests, bench fuzz): accepted once, then broke or hung inside the run.
        { Training.Replace("write_s: 20", "write_s: 2147483648", StringComparison.Ordinal), "training.tokens", "years of simulated time" },
        { Training.Replace("mtbf_hours: 50000", "mtbf_hours: 1e-7", StringComparison.Ordinal), "training.tokens", "years on average" },
        { Training.Replace("price_per_hour: 2", "price_per_hour: 1e308", StringComparison.Ordinal), "training.price_per_hour", "at most 1e18 in magnitude" },
        { Training.Replace("restart_s: 300", "restart_s: 9223372036854775808", StringComparison.Ordinal), "training.failures.restart_s", "at most 1e18 in magnitude" },
        { Training.Replace("restart_s: 300", "restart_s: 9e9", StringComparison.Ordinal), "training.failures.restart_s", "out of range" },
        // Found by the bench's long fuzz (33 of 75,000 mutations): a stray quote turned a zip list's two items into one,
        // and checking each sweep point indexed past the shorter list.
        { "name: x\n" + Serving + "sweep:\n  mode: zip\n  parameters:\n    workload.arrival.rate: [1, 2, 3]\n    workload.requests: [5\" 6, 7]\n", "sweep.parameters", "a zip sweep needs lists of equal length" },
        {
            "name: x\ncluster:\n  days: 1e-7\n  pools: { h100: { hardware: H100-SXM, count: 8 } }\n  training: { t: { pool: h100, model: llama-3.1-8b, tokens: 1e9, parallelism: { tensor: 8 } } }\n",
            "cluster.days", "shorter than one decision interval"
        },
    };

    private const string Training = "name: t\ntraining: { model: llama-3.1-8b, hardware: H100-SXM, accelerators: 64, tokens: 2e10, global_batch_tokens: 2097152, sequence_length: 8192, "
        + "parallelism: { tensor: 8, data: 8 }, checkpoints: { write_s: 20, interval_s: 1800 }, failures: { mtbf_hours: 50000, restart_s: 300 }, price_per_hour: 2 }\n";

    [Theory]
    [MemberData(nameof(Reproducers))]
    public void A_reproducer_from_the_fuzzing_report_is_a_located_problem(string yaml, string path, string message)
    {
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "hostile.yaml")));
        Assert.Contains(e.Problems, p => p.Path == path && p.Message.Contains(message, StringComparison.Ordinal) && p.Line >= 1);
    }

    [Fact]
    public void Every_problem_is_reported_in_one_pass_and_a_swept_typo_at_its_own_line()
    {
        const string Yaml = """
            name: x
            replications: 0
            serving: { model: llama-3.1-8b, hardware: H100-SXMM, tensor_paralel: 2 }
            workload: { arrival: { rate: -1 }, requests: 10 }
            sweep:
              parameters:
                workload.arival.rate: [1, 2]
            """;
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Yaml, "one-pass.yaml"));
        Assert.Equal(
            [(2, "replications"), (3, "serving.hardware"), (3, "serving.tensor_paralel"), (4, "workload.arrival.rate"), (7, "sweep.parameters.workload.arival.rate")],
            e.Problems.Select(p => (p.Line, p.Path)));
        Assert.Contains("did you mean 'arrival'", e.Problems[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sweep_limit_can_be_raised_by_the_caller()
    {
        string yaml = "name: x\n" + Serving + "sweep:\n  parameters:\n    workload.arrival.rate: [" + string.Join(", ", Enumerable.Range(1, 12)) + "]\n";
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, "big.yaml", maxPoints: 10));
        Assert.Contains("12 points; an experiment runs at most 10 (raise it with --max-points", Assert.Single(e.Problems).Message, StringComparison.Ordinal);
        Assert.Equal(12, ExperimentLoader.Parse(yaml, "big.yaml", maxPoints: 12).Points.Count);
    }

    [UnixFact]
    public void A_device_as_a_catalog_is_refused_before_it_is_read()
    {
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse("name: x\ncatalog: { hardware: /dev/zero }\n" + Serving, "hostile.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "catalog.hardware" && p.Message.Contains("not a regular file", StringComparison.Ordinal));
    }

    [Fact]
    public void Seeded_mutations_of_every_shipped_experiment_end_as_results_or_located_problems()
    {
        // The shared corpus generator's damage at seeded places; any exception other than ExperimentException is a bug.
        var random = new RandomStreams(2026).For("fuzz");
        string[] files = Directory.GetFiles(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments"), "*.yaml");
        int problems = 0, valid = 0;
        foreach (string file in files.Order(StringComparer.Ordinal))
        {
            string text = File.ReadAllText(file);
            for (int k = 0; k < 100; k++)
            {
                string mutated = ClusterSim.Tests.TextMutator.Mutate(text, k, random);
                try
                {
                    ExperimentLoader.Parse(mutated, file);
                    valid++;
                }
                catch (ExperimentException)
                {
                    problems++;
                }
            }
        }

        Assert.True(problems > 0 && valid > 0, $"{problems} refused, {valid} accepted");
    }

    [Fact]
    public void Hostile_swept_values_read_back_exactly_through_an_independent_csv_reader()
    {
        // File names with a comma, quotes, a newline and non-ASCII, swept as trace files; summary.csv must give each back.
        string folder = Path.Combine(Path.GetTempPath(), $"clustersim-hostile-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string[] names = ["a,b.csv", "say \"hi\".csv", "two\nlines.csv", "naïve ✓ 'q'.csv"];
            string[] files = names.Select(n => Path.Combine(folder, n)).ToArray();
            foreach (string file in files)
            {
                File.WriteAllText(file, "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 00:00:00.000,60,5\n2024-05-10 00:00:01.000,70,5\n");
            }

            string list = string.Join(", ", names.Select(n => "\"" + n.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\""));
            string yaml = "name: hostile\nserving: { model: llama-3.1-8b, hardware: H100-SXM }\nworkload: { arrival: { kind: trace }, trace: { file: x.csv } }\n"
                + "sweep: { parameters: { workload.trace.file: [" + list + "] } }\n";
            Experiment experiment = ExperimentLoader.Parse(yaml, Path.Combine(folder, "hostile.yaml"));
            string csv = ResultWriter.SummaryCsv(ClusterSim.Experiments.Running.ExperimentRunner.Run(experiment, new ClusterSim.Experiments.Running.RunOptions { Workers = 1 }));

            using var parser = new Microsoft.VisualBasic.FileIO.TextFieldParser(new StringReader(csv)) { HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
            parser.SetDelimiters(",");
            string[] header = parser.ReadFields()!;
            int column = Array.IndexOf(header, "workload.trace.file");
            var rows = new List<string[]>();
            while (!parser.EndOfData)
            {
                rows.Add(parser.ReadFields()!);
            }

            Assert.All(rows, r => Assert.Equal(header.Length, r.Length));
            Assert.Equal(names, rows.Select(r => r[column]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_swept_value_with_a_comma_is_quoted_in_the_summary()
    {
        Assert.Equal("plain", ResultWriter.Field("plain"));
        Assert.Equal("\"a,b\"", ResultWriter.Field("a,b"));
        Assert.Equal("\"say \"\"hi\"\"\"", ResultWriter.Field("say \"hi\""));
        Assert.Equal("\"two\nlines\"", ResultWriter.Field("two\nlines"));
    }
}
