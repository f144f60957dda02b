namespace ClusterSim.Core.Economics;

/// <summary>Annual training and inference spend of an industry, and the year inference spend overtakes training.</summary>
public static class IndustryModel
{
    /// <summary>Spend per calendar year from <see cref="IndustryOptions.FromYear"/> to <see cref="IndustryOptions.ToYear"/>.</summary>
    public static IndustryYears Run(IndustryOptions o)
    {
        o.Validated();
        int n = o.ToYear - o.FromYear + 1;
        var training = new double[n];
        var inference = new double[n];
        var tokens = new double[n];
        for (int k = 0; k < n; k++)
        {
            int year = o.FromYear + k;
            training[k] = o.BaseTrainingUsd * o.ResearchMultiplier * Math.Pow(o.TrainingGrowthPerYear, year - o.BaseYear);
            for (var day = new DateOnly(year, 1, 1); day.Year == year; day = day.AddDays(1))
            {
                double served = o.OutputTokensPerDay.At(day);
                double yearsFromBase = (day.DayNumber - new DateOnly(o.BaseYear, 7, 1).DayNumber) / 365.25;
                double usdPerToken = o.BaseUsdPerMillionTokens / 1e6 * Math.Pow(1 + o.HardwareCostChangePerYear, yearsFromBase) / Math.Pow(1 + o.SoftwareGainPerYear, yearsFromBase);
                tokens[k] += served;
                inference[k] += served * usdPerToken;
            }
        }

        return new IndustryYears(Enumerable.Range(o.FromYear, n).ToArray(), training, inference, tokens);
    }
}
