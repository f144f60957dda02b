using System.Collections.Concurrent;
using ClusterSim.Core.Inference;
using ClusterSim.Experiments.Files;

namespace ClusterSim.Experiments.Running;

/// <summary>
/// Capacity cells already measured in this process, by what decides the measurement: the cell (its replica groups and
/// request classes compared one by one, since records compare lists by reference), the cell's size and the seed. The
/// points of a sweep that leave a placement as it is (a sweep over policies, pools or other deployments) then measure it
/// once; a replication, whose seed differs, measures its own. A measurement is deterministic, so taking it from here
/// changes no figure. Any other list inside the records compares by reference: at worst a cell is measured again, never
/// taken for another.
/// </summary>
public static class CellMemo
{
    /// <summary>Cells kept at most; the memo starts over past it (a long-lived process measuring many distinct cells).</summary>
    private const int Capacity = 512;

    private static readonly ConcurrentDictionary<CellKey, Lazy<object>> Measured = new();

    /// <summary>The measurement of <paramref name="cell"/> at <paramref name="cellReplicas"/> and <paramref name="seed"/>: <paramref name="measure"/>'s, once per distinct cell.</summary>
    public static T GetOrMeasure<T>(ServingPoint cell, int cellReplicas, long seed, Func<T> measure)
        where T : notnull
    {
        var key = new CellKey(cell with { Replicas = [], Classes = [] }, new(cell.Replicas), new(cell.Classes), cellReplicas, seed, typeof(T));
        if (Measured.Count >= Capacity)
        {
            Measured.Clear();
        }

        Lazy<object> entry = Measured.GetOrAdd(key, _ => new Lazy<object>(() => measure(), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return (T)entry.Value;
        }
        catch
        {
            // A measurement that threw (an SLO no load meets) is not kept: the next asks again and gets its own exception.
            Measured.TryRemove(new KeyValuePair<CellKey, Lazy<object>>(key, entry));
            throw;
        }
    }

    private readonly record struct CellKey(ServingPoint Cell, Items<ReplicaGroup> Groups, Items<RequestClass> Classes, int CellReplicas, long Seed, Type Kind);

    /// <summary>A list compared element by element.</summary>
    private sealed class Items<T>(IReadOnlyList<T> items) : IEquatable<Items<T>>
    {
        private readonly T[] _items = [.. items];

        public bool Equals(Items<T>? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);

        public override bool Equals(object? obj) => Equals(obj as Items<T>);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (T item in _items)
            {
                hash.Add(item);
            }

            return hash.ToHashCode();
        }
    }
}
