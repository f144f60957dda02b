namespace ClusterSim.Core.Catalog;

/// <summary>Catalog rows by id (case-insensitive) with "did you mean" lookups; the shared half of the hardware and model catalogs.</summary>
public abstract class CatalogTable<T>
    where T : class
{
    private readonly Dictionary<string, T> _items;
    private readonly string _noun;

    private protected CatalogTable(Dictionary<string, T> items, string noun)
    {
        _items = items;
        _noun = noun;
    }

    /// <summary>All rows in id order.</summary>
    public IReadOnlyList<T> All => _items.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToList();

    /// <summary>Row ids.</summary>
    public IEnumerable<string> Ids => _items.Keys;

    /// <summary>Looks a row up; false when unknown.</summary>
    public bool TryGet(string id, out T spec) => _items.TryGetValue(id, out spec!);

    /// <summary>Looks a row up; throws with a suggestion when unknown.</summary>
    public T Get(string id) => TryGet(id, out T spec)
        ? spec
        : throw new KeyNotFoundException($"unknown {_noun} '{id}'{ClosestName.Hint(id, Ids)}");

    /// <summary>A copy of the rows for building an extended catalog.</summary>
    private protected Dictionary<string, T> CopyItems() => new(_items, StringComparer.OrdinalIgnoreCase);

    /// <summary>An empty row dictionary.</summary>
    private protected static Dictionary<string, T> NoItems() => new(StringComparer.OrdinalIgnoreCase);
}
