using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Studies;

namespace ClusterSim.Experiments.Tests.Studies;

public class ChoicesStudyTests
{
    private const string Base = """
        name: c
        serving: { model: llama-3.1-70b, hardware: H100-SXM, tensor_parallel: 2, weights: fp8, kv_cache: fp8 }
        workload:
          prompt_tokens: { kind: fixed, mean: 256 }
          output_tokens: { kind: fixed, mean: 64 }
          requests: 300
        slo: { ttft_s: 2.0, tpot_s: 0.1 }
        choices:
          baseline: { name: base, quality: 0.7, price_per_hour: 2 }
          demand: { output_tokens_per_day: 1e9 }
          candidates:
        """;

    private static ChoicesResult Compare(string candidates) =>
        ChoicesStudy.Compare(ExperimentLoader.Parse(Base + candidates, "c.yaml").Points[0], seed: 11);

    [Fact]
    public void A_candidate_identical_to_the_baseline_reproduces_its_cost_and_never_pays_back()
    {
        ChoicesResult r = Compare("""

                twin: { serving: { model: llama-3.1-70b, hardware: H100-SXM, tensor_parallel: 2, weights: fp8, kv_cache: fp8 }, quality: 0.7, price_per_hour: 2 }
            """);
        ChoiceOutcome baseline = r.Outcomes[0], twin = r.Outcomes[1];
        Assert.Equal(baseline.ReplicaTokensPerSecond, twin.ReplicaTokensPerSecond);
        Assert.Equal(baseline.CostPerMillionTokens, twin.CostPerMillionTokens);
        Assert.Equal(baseline.TotalUsd, twin.TotalUsd);
        Assert.True(double.IsPositiveInfinity(twin.PaybackDays));
    }

    /// <summary>
    /// A free accelerator leaves a comparison of costs without meaning: it was accepted, printed candidates at "Infinity of"
    /// the baseline's $0.000, and ended the run with "accounting invariants failed"; it is refused at its line now.
    /// </summary>
    [Fact]
    public void A_price_of_zero_is_refused_at_its_line()
    {
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Base.Replace("price_per_hour: 2 }", "price_per_hour: 0 }", StringComparison.Ordinal) + """

                twin: { serving: { model: llama-3.1-8b, hardware: H100-SXM, weights: fp8, kv_cache: fp8 }, quality: 0.6, price_per_hour: 2 }
            """, "c.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "choices.baseline.price_per_hour" && p.Message.Contains("expected a number > 0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cascade_pays_its_own_attempt_on_every_request_and_the_baseline_on_the_escalated_share()
    {
        ChoicesResult r = Compare("""

                small: { serving: { model: llama-3.1-8b, hardware: H100-SXM }, quality: 0.5, price_per_hour: 2 }
                cascade: { serving: { model: llama-3.1-8b, hardware: H100-SXM }, quality: 0.5, price_per_hour: 2, cascade: { share: 0.75, quality: 0.6 } }
            """);
        ChoiceOutcome baseline = r.Outcomes[0], small = r.Outcomes[1], cascade = r.Outcomes[2];

        // Every request is tried by the small model; a quarter also goes to the baseline: answered + escalated = all.
        Assert.Equal(small.CostPerMillionTokens + (0.25 * baseline.CostPerMillionTokens), cascade.CostPerMillionTokens, 1e-9);
        Assert.Equal((0.75 * 0.6) + (0.25 * 0.7), cascade.Quality, 1e-12);
        Assert.Equal(1e9 / 1e6 * cascade.CostPerMillionTokens, cascade.ServingUsdPerDay, 1e-6);
    }

    [Fact]
    public void Distillation_pays_the_teacher_at_the_baseline_cost_and_the_student_run_up_front()
    {
        ChoicesResult r = Compare("""

                student:
                  serving: { model: llama-3.1-8b, hardware: H100-SXM }
                  quality: 0.5
                  price_per_hour: 2
                  distillation: { teacher_tokens: 1e9 }
                  training:
                    model: llama-3.1-8b
                    hardware: H100-SXM
                    tokens: 1e10
                    global_batch_tokens: 1048576
                    sequence_length: 4096
                    parallelism: { data: 64 }
                    failures: { enabled: false }
                    price_per_hour: 2
            """);
        ChoiceOutcome baseline = r.Outcomes[0], student = r.Outcomes[1];
        double teacher = 1e9 / 1e6 * baseline.CostPerMillionTokens;
        Assert.True(student.TrainingDays > 0);
        Assert.True(student.UpfrontUsd > teacher);
        Assert.Equal(student.UpfrontUsd / (baseline.ServingUsdPerDay - student.ServingUsdPerDay), student.PaybackDays, 1e-9);
        Assert.Equal(student.UpfrontUsd + (365 * student.ServingUsdPerDay), student.TotalUsd, 1e-6);
    }

    [Fact]
    public void A_candidate_without_a_quality_or_with_a_taken_name_is_located()
    {
        var e = Assert.Throws<ExperimentException>(() => ExperimentLoader.Parse(Base + """

                base: { serving: { model: llama-3.1-8b, hardware: H100-SXM } }
            """, "c.yaml"));
        Assert.Contains(e.Problems, p => p.Path == "choices.candidates.base.quality");
        Assert.Contains(e.Problems, p => p.Path == "choices.candidates.base" && p.Message.Contains("already the name", StringComparison.Ordinal));
    }
}
