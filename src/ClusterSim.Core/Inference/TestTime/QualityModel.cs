namespace ClusterSim.Core.Inference.TestTime;

/// <summary>Probability that a request is answered correctly under a policy, from its per-sample success probability.</summary>
public static class QualityModel
{
    /// <summary>Best-of-N with a perfect verifier: correct if any sample is: 1 − (1 − p)^N.</summary>
    public static double BestOfN(double p, int n) => 1 - Math.Pow(1 - p, n);

    /// <summary>
    /// Majority vote over N samples, wrong answers assumed to disagree with each other's majority: correct when more
    /// than half the samples are; a tie is broken by a coin.
    /// </summary>
    public static double Vote(double p, int n)
    {
        double total = 0;
        for (int k = 0; k <= n; k++)
        {
            double term = Math.Exp(LogChoose(n, k) + (k * Math.Log(Math.Max(p, 1e-300))) + ((n - k) * Math.Log(Math.Max(1 - p, 1e-300))));
            if (2 * k > n)
            {
                total += term;
            }
            else if (2 * k == n)
            {
                total += term / 2;
            }
        }

        return Math.Clamp(total, 0, 1);
    }

    /// <summary>Thinking: the gap to a certain answer shrinks exponentially with thinking tokens.</summary>
    public static double Reasoning(double p, double thinkingTokens, double scale) => 1 - ((1 - p) * Math.Exp(-thinkingTokens / scale));

    private static double LogChoose(int n, int k) =>
        MathNet.Numerics.SpecialFunctions.GammaLn(n + 1) - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1) - MathNet.Numerics.SpecialFunctions.GammaLn(n - k + 1);
}
