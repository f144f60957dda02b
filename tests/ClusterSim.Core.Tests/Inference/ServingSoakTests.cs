using ClusterSim.Core.Engine;
using ClusterSim.Core.Inference;
using ClusterSim.Core.Tests.Engine;
using ClusterSim.Tests;

namespace ClusterSim.Core.Tests.Inference;

/// <summary>
/// Random combinations of the serving features (<see cref="RandomServingScenario"/>): after every event the books hold, every
/// request is accounted for, and macro-steps give exactly what one event per iteration gives. CI runs the seeds below;
/// <c>CLUSTERSIM_SOAK=N</c> adds N more (seeds 25 on), e.g. <c>CLUSTERSIM_SOAK=500 dotnet test --filter ServingSoakTests</c>.
/// </summary>
public class ServingSoakTests
{
    private const int Requests = 250;

    public static TheoryData<int> Seeds() => SoakSeeds.Seeds(24);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_random_scenario_keeps_its_books_and_macro_steps_change_nothing(int seed)
    {
        var drawn = new RandomServingScenario(seed, Requests);
        ServingCluster? cluster = null;
        var check = new CheckEveryEvent(() => cluster!.AssertInvariants());
        cluster = new ServingCluster(drawn.Scenario, new Simulator { Trace = check });
        ServingResult fast;
        try
        {
            fast = cluster.Run();
            cluster.AssertInvariants();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new InvalidOperationException($"{drawn.Description}: {e.Message}", e);
        }

        Assert.True(fast.Conserved, drawn.Description);
        Assert.Equal(fast.EventsFired, check.Count);
        Assert.True(fast.Metrics.Iterations > 0, $"{drawn.Description}: nothing ran");

        ServingResult slow = new ServingCluster(drawn.Scenario with { MacroStepping = false }).Run();
        try
        {
            ServingClusterTests.AssertSameOutcome(slow, fast);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{drawn.Description}: {e.Message}");
        }
    }
}
