using ClusterSim.Core.Engine;

namespace ClusterSim.Core.Inference;

/// <summary>
/// An elastic fleet's members when some placement adds prefill/decode units: which replicas each member holds, of which
/// placement, and the KV caches in flight from a unit's prefill replicas to a decode replica (a placement of single
/// replicas makes members of one replica, which hand nothing off). A member is drained and given back whole, so a
/// hand-off in flight keeps the unit it left held: when it lands and no decode replica of its placement is taking work,
/// it decodes on that unit's own.
/// </summary>
internal sealed class ServingUnits
{
    private readonly List<(List<Replica> Prefill, List<Replica> Decode, int Placement)> _units = [];
    private readonly List<int> _transfers = [];
    private readonly List<int> _unitOfReplica = [];
    private int[] _dispatchedTo = new int[64];
    private int[] _transferFrom = new int[64];

    /// <summary>
    /// Records a member of placement <paramref name="placement"/> holding the replicas given (their indices are the next in
    /// the fleet's order; no decode replica: a single replica serving whole) and returns its index.
    /// </summary>
    public int Add(List<Replica> prefill, List<Replica> decode, int placement)
    {
        _units.Add((prefill, decode, placement));
        _transfers.Add(0);
        int unit = _units.Count - 1;
        for (int i = 0; i < prefill.Count + decode.Count; i++)
        {
            _unitOfReplica.Add(unit);
        }

        return unit;
    }

    public IReadOnlyList<Replica> PrefillOf(int unit) => _units[unit].Prefill;

    /// <summary>The placement member <paramref name="unit"/> was added for.</summary>
    public int PlacementOf(int unit) => _units[unit].Placement;

    /// <summary>Whether a request routed to <paramref name="replica"/> is prefilled there and decoded elsewhere: it is a unit's prefill replica.</summary>
    public bool HandsOff(Replica replica) => _units[_unitOfReplica[replica.Id]].Decode.Count > 0;

    /// <summary>The placement of the member holding <paramref name="replica"/>.</summary>
    public int PlacementOf(Replica replica) => _units[_unitOfReplica[replica.Id]].Placement;

    /// <summary>The placement of the unit prefill request <paramref name="prefillId"/> was dispatched to.</summary>
    public int PlacementOfRequest(int prefillId) => _units[_dispatchedTo[prefillId]].Placement;

    public IReadOnlyList<Replica> DecodeOf(int unit) => _units[unit].Decode;

    /// <summary>Requests the unit's replicas hold, and hand-offs from it still crossing the link.</summary>
    public int Outstanding(int unit)
    {
        int held = BeyondPrefill(unit);
        foreach (Replica r in _units[unit].Prefill)
        {
            held += r.Outstanding;
        }

        return held;
    }

    /// <summary>Requests the unit's decode replicas hold (bound hand-offs among them), and hand-offs from it still crossing the link.</summary>
    public int BeyondPrefill(int unit)
    {
        int held = _transfers[unit];
        foreach (Replica r in _units[unit].Decode)
        {
            held += r.Outstanding;
        }

        return held;
    }

    /// <summary>Prefill request <paramref name="id"/> went to <paramref name="replica"/>'s unit.</summary>
    public void Dispatched(int id, Replica replica) => Set(ref _dispatchedTo, id, _unitOfReplica[replica.Id]);

    /// <summary>Prefill request <paramref name="prefillId"/> handed its KV cache off as decode request <paramref name="decodeId"/>: in flight from its unit.</summary>
    public void HandedOff(int prefillId, int decodeId)
    {
        int unit = _dispatchedTo[prefillId];
        Set(ref _transferFrom, decodeId, unit);
        _transfers[unit]++;
    }

    /// <summary>Decode request <paramref name="decodeId"/>'s KV cache has landed; returns the unit it left.</summary>
    public int Landed(int decodeId)
    {
        int unit = _transferFrom[decodeId];
        _transfers[unit]--;
        return unit;
    }

    /// <summary>Throws unless every unit's count of hand-offs in flight is non-negative and all of them are at most <paramref name="inFlight"/>.</summary>
    public void AssertInvariants(long inFlight)
    {
        long crossing = 0;
        for (int unit = 0; unit < _transfers.Count; unit++)
        {
            Invariant.Check(_transfers[unit] >= 0, $"unit {unit} has {_transfers[unit]} hand-offs in flight");
            crossing += _transfers[unit];
        }

        Invariant.Check(crossing <= inFlight, $"{crossing} hand-offs cross the links; {inFlight} requests are in flight");
    }

    private static void Set(ref int[] column, int id, int value)
    {
        if (id >= column.Length)
        {
            Array.Resize(ref column, Math.Max(id + 1, column.Length * 2));
        }

        column[id] = value;
    }
}
