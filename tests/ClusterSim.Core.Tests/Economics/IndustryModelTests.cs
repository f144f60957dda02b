using ClusterSim.Core.Economics;

namespace ClusterSim.Core.Tests.Economics;

public class IndustryModelTests
{
    [Fact]
    public void Token_volumes_interpolate_log_linearly_and_hit_their_anchors()
    {
        var curve = new TokenVolumeCurve([(new DateOnly(2024, 1, 1), 1e9), (new DateOnly(2025, 1, 1), 1e11)]);
        Assert.Equal(1e9, curve.At(new DateOnly(2024, 1, 1)), 1e-3);
        Assert.Equal(1e11, curve.At(new DateOnly(2025, 1, 1)), 1e-1);
        // Half-way in days is the geometric mean of the two anchors.
        Assert.Equal(1e10, curve.At(new DateOnly(2024, 1, 1).AddDays(183)), 1e10 * 0.01);
        Assert.Throws<ArgumentException>(() => new TokenVolumeCurve([(new DateOnly(2024, 1, 1), 1e9)]));
    }

    [Fact]
    public void Training_grows_by_its_factor_and_flat_inference_is_tokens_times_price()
    {
        var options = new IndustryOptions
        {
            FromYear = 2022,
            ToYear = 2026,
            BaseYear = 2024,
            BaseTrainingUsd = 100e6,
            BaseUsdPerMillionTokens = 2,
            TrainingGrowthPerYear = 2,
            ResearchMultiplier = 3,
            HardwareCostChangePerYear = 0,
            SoftwareGainPerYear = 0,
            OutputTokensPerDay = new TokenVolumeCurve([(new DateOnly(2020, 1, 1), 1e11), (new DateOnly(2030, 1, 1), 1e11)]),
        };
        IndustryYears years = IndustryModel.Run(options);

        Assert.Equal([2022, 2023, 2024, 2025, 2026], years.Years);
        Assert.Equal(300e6 / 4, years.TrainingUsd[0], 1);
        Assert.Equal(300e6 * 4, years.TrainingUsd[4], 1);
        Assert.Equal(1e11 * 365 * 2 / 1e6, years.InferenceUsd[1], 1);   // 2023 has 365 days
        Assert.Equal(1e11 * 366 * 2 / 1e6, years.InferenceUsd[2], 1);   // 2024 is a leap year
    }

    [Fact]
    public void Faster_growing_inference_crosses_in_the_year_the_annual_lines_meet()
    {
        // Flat training ($50 M a year) against inference whose volume grows ~3.7x a year from $37 k in 2020:
        // the crossing lies between the midpoints of the last year inference is behind and the next.
        var options = new IndustryOptions
        {
            FromYear = 2020,
            ToYear = 2026,
            BaseYear = 2023,
            BaseTrainingUsd = 50e6,
            BaseUsdPerMillionTokens = 1,
            TrainingGrowthPerYear = 1.0001,
            HardwareCostChangePerYear = 0,
            SoftwareGainPerYear = 0,
            OutputTokensPerDay = new TokenVolumeCurve([(new DateOnly(2020, 1, 1), 1e8), (new DateOnly(2026, 12, 31), 1e12)]),
        };
        IndustryYears years = IndustryModel.Run(options);
        double crossover = years.CrossoverYear!.Value;
        int before = years.Years.ToList().FindLastIndex(y => years.InferenceUsd[y - 2020] < years.TrainingUsd[y - 2020]);
        Assert.InRange(crossover, years.Years[before] + 0.5, years.Years[before] + 1.5);
    }
}
