using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Inference.Routing;

/// <summary>Picks the replica that serves a new request.</summary>
public abstract class Router
{
    /// <summary>Index into <paramref name="replicas"/> of the replica that serves <paramref name="request"/>.</summary>
    public abstract int Choose(IReadOnlyList<IReplicaLoad> replicas, in RouteRequest request);

    /// <summary>Creates the router of the given kind; <paramref name="random"/> feeds the randomised ones.</summary>
    public static Router Create(RouterKind kind, RandomStream random) => kind switch
    {
        RouterKind.RoundRobin => new RoundRobinRouter(),
        RouterKind.Random => new RandomRouter(random),
        RouterKind.LeastOutstanding => new LeastOutstandingRouter(),
        RouterKind.PowerOfTwo => new PowerOfTwoRouter(random),
        RouterKind.KvAware => new KvAwareRouter(),
        RouterKind.PrefixAffinity => new PrefixAffinityRouter(),
        RouterKind.VllmDataParallel => new VllmDataParallelRouter(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown router"),
    };

    private sealed class RoundRobinRouter : Router
    {
        private int _next;

        public override int Choose(IReadOnlyList<IReplicaLoad> replicas, in RouteRequest request)
        {
            int choice = _next % replicas.Count;
            _next = choice + 1;
            return choice;
        }
    }

    private sealed class RandomRouter(RandomStream random) : Router
    {
        public override int Choose(IReadOnlyList<IReplicaLoad> replicas, in RouteRequest request) => random.NextInt(replicas.Count);
    }

    private sealed class LeastOutstandingRouter : Router
    {
        public override int Choose(IReadOnlyList<IReplicaLoad> replicas, in RouteRequest request)
        {
            int best = 0, least = replicas[0].Outstanding;   // read once a replica: a unit's entry sums its decode replicas'
            for (int i = 1; i < replicas.Count; i++)
            {
                int load = replicas[i].Outstanding;
                if (load < least)
                {
                    (best, least) = (i, load);
                }
            }

            return best;
        }
    }

    private sealed class VllmDataParallelRouter : Router
    {
        public override int Choose(IReadOnlyList<IReplicaLoad> replicas, in RouteRequest request)
        {
            int best = 0;
            long bestScore = long.MaxValue;
            for (int i = 0; i < replicas.Count; i++)
            {
                int waiting = replicas[i].Waiting;
                long score = (4L * waiting) + (replicas[i].Outstanding - waiting);
                if (score < bestScore)
                {
                    best = i;
                    bestScore = score;
                }
            }

            return best;
        }
    }

    private sealed class PowerOfTwoRouter(RandomStream random) : Router
    {
        public override int Choose(IReadOnlyList<IReplicaLoad> replicas, in RouteRequest request)
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

    /// <summary>
    /// The replica whose prefix cache holds the longest start of the prompt (llm-d's and SGLang's cache-aware routing),
    /// unless it is overloaded — more than twice the least-loaded replica's outstanding requests, plus four — when the
    /// least-loaded one serves instead. Ties go to the less loaded.
    /// </summary>
    private sealed class PrefixAffinityRouter : Router
    {
        public override int Choose(IReadOnlyList<IReplicaLoad> replicas, in RouteRequest request)
        {
            int best = 0, bestCached = -1, idle = 0;
            for (int i = 0; i < replicas.Count; i++)
            {
                int cached = replicas[i].CachedPrefixBlocks(request.Prompt, request.PromptTokens);
                if (cached > bestCached || (cached == bestCached && replicas[i].Outstanding < replicas[best].Outstanding))
                {
                    best = i;
                    bestCached = cached;
                }

                if (replicas[i].Outstanding < replicas[idle].Outstanding)
                {
                    idle = i;
                }
            }

            return replicas[best].Outstanding > (2 * replicas[idle].Outstanding) + 4 ? idle : best;
        }
    }

    private sealed class KvAwareRouter : Router
    {
        public override int Choose(IReadOnlyList<IReplicaLoad> replicas, in RouteRequest request)
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
