using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Inference.Routing;

/// <summary>Picks the replica that serves a new request.</summary>
public abstract class Router
{
    /// <summary>Index into <paramref name="replicas"/> of the chosen replica.</summary>
    public abstract int Choose(IReadOnlyList<Replica> replicas);

    /// <summary>Creates the router of the given kind; <paramref name="random"/> feeds the randomised ones.</summary>
    public static Router Create(RouterKind kind, RandomStream random) => kind switch
    {
        RouterKind.RoundRobin => new RoundRobinRouter(),
        RouterKind.Random => new RandomRouter(random),
        RouterKind.LeastOutstanding => new LeastOutstandingRouter(),
        RouterKind.PowerOfTwo => new PowerOfTwoRouter(random),
        RouterKind.KvAware => new KvAwareRouter(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown router"),
    };

    private sealed class RoundRobinRouter : Router
    {
        private int _next;

        public override int Choose(IReadOnlyList<Replica> replicas)
        {
            int choice = _next % replicas.Count;
            _next = choice + 1;
            return choice;
        }
    }

    private sealed class RandomRouter(RandomStream random) : Router
    {
        public override int Choose(IReadOnlyList<Replica> replicas) => random.NextInt(replicas.Count);
    }

    private sealed class LeastOutstandingRouter : Router
    {
        public override int Choose(IReadOnlyList<Replica> replicas)
        {
            int best = 0;
            for (int i = 1; i < replicas.Count; i++)
            {
                if (replicas[i].Outstanding < replicas[best].Outstanding)
                {
                    best = i;
                }
            }

            return best;
        }
    }

    private sealed class PowerOfTwoRouter(RandomStream random) : Router
    {
        public override int Choose(IReadOnlyList<Replica> replicas)
        {
            if (replicas.Count == 1)
            {
                return 0;
            }

            int a = random.NextInt(replicas.Count);
            int b = random.NextInt(replicas.Count - 1);
            if (b >= a)
            {
                b++;
            }

            return replicas[b].Outstanding < replicas[a].Outstanding ? b : a;
        }
    }

    private sealed class KvAwareRouter : Router
    {
        public override int Choose(IReadOnlyList<Replica> replicas)
        {
            int best = 0;
            for (int i = 1; i < replicas.Count; i++)
            {
                double free = replicas[i].FreeBlocks / (double)replicas[i].TotalBlocks;
                double bestFree = replicas[best].FreeBlocks / (double)replicas[best].TotalBlocks;
                if (free > bestFree || (free == bestFree && replicas[i].Waiting < replicas[best].Waiting))
                {
                    best = i;
                }
            }

            return best;
        }
    }
}
