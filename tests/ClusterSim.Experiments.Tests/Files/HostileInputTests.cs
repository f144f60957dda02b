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
    };

    [Theory]
    [MemberData(nameof(Reproducers))]
    public void A_reproducer_from_the_fuzzing_report_is_a_located_problem(string yaml, string path, string message)
    {
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(yaml, Path.Combine(Path.GetTempPath(), "hostile.yaml")));
        Assert.Contains(e.Problems, p => p.Path == path && p.Message.Contains(message, StringComparison.Ordinal) && p.Line >= 1);
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
        // Deletions, duplications and character swaps at seeded places; any other exception is a bug.
        var random = new RandomStreams(2026).For("fuzz");
        string[] files = Directory.GetFiles(Path.Combine(ClusterSim.Tests.RepositoryRoot.Path, "experiments"), "*.yaml");
        const string Alphabet = "{}[]:,-#'\"\n 0.e";
        int problems = 0, valid = 0;
        foreach (string file in files.Order(StringComparer.Ordinal))
        {
            string text = File.ReadAllText(file);
            for (int k = 0; k < 100; k++)
            {
                char[] chars = text.ToCharArray();
                int at = random.NextInt(chars.Length);
                string mutated = (k % 3) switch
                {
                    0 => text.Remove(at, Math.Min(1 + random.NextInt(8), text.Length - at)),
                    1 => text.Insert(at, text.Substring(at, Math.Min(1 + random.NextInt(20), text.Length - at))),
                    _ => new string(chars.Select((c, i) => i == at ? Alphabet[random.NextInt(Alphabet.Length)] : c).ToArray()),
                };
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
    public void A_swept_value_with_a_comma_is_quoted_in_the_summary()
    {
        Assert.Equal("plain", ResultWriter.Field("plain"));
        Assert.Equal("\"a,b\"", ResultWriter.Field("a,b"));
        Assert.Equal("\"say \"\"hi\"\"\"", ResultWriter.Field("say \"hi\""));
        Assert.Equal("\"two\nlines\"", ResultWriter.Field("two\nlines"));
    }
}
