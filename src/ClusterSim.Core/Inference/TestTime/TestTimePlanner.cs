using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Inference.TestTime;

/// <summary>Draws each request's difficulty and thinking budget and turns the policy into a <see cref="RequestPlan"/>.</summary>
public sealed class TestTimePlanner(TestTimeOptions options, RandomStream random)
{
    private readonly TestTimeOptions _options = options.Validated();

    /// <summary>The plan of the next request.</summary>
    public RequestPlan Next()
    {
        double difficulty = MathNet.Numerics.Distributions.Beta.Sample(random.Source, _options.DifficultyAlpha, _options.DifficultyBeta);
        double p = 1 - difficulty;
        TestTimePolicy policy = _options.Policy == TestTimePolicy.Adaptive
            ? (difficulty > _options.AdaptiveThreshold ? _options.AdaptivePolicy : TestTimePolicy.Single)
            : _options.Policy;
        switch (policy)
        {
            case TestTimePolicy.BestOfN:
                return new RequestPlan(_options.Samples, 0, difficulty, QualityModel.BestOfN(p, _options.Samples));
            case TestTimePolicy.Vote:
                return new RequestPlan(_options.Samples, 0, difficulty, QualityModel.Vote(p, _options.Samples));
            case TestTimePolicy.Reasoning:
                int thinking = _options.ThinkingTokens!.Sample(random);
                return new RequestPlan(1, thinking, difficulty, QualityModel.Reasoning(p, thinking, _options.ThinkingScale));
            default:
                return new RequestPlan(1, 0, difficulty, p);
        }
    }
}
