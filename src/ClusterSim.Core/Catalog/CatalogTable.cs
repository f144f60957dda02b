namespace ClusterSim.Core.Catalog;

/// <summary>Catalog rows by id (case-insensitive) with "did you mean" lookups; the shared half of the hardware and model catalogs.</summary>
public abstract class CatalogTable<T>
    where T : class
{
    private readonly Dictionary<string, T> _items;
    private readonly Dictionary<string, T> _aliases = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<Dictionary<string, T>> _stems;
    private readonly string _noun;
    private readonly bool _revisionsNameRows;

    /// <param name="items">The rows by id.</param>
    /// <param name="noun">What a row is, for messages.</param>
    /// <param name="aliasesOf">A row's other names.</param>
    /// <param name="revisionsNameRows">
    /// True when a "v7"-style token names another row rather than a later revision of the same one: an accelerator's
    /// generation (TPU v4 and TPU v7 are different chips), where a model's "v0.3" is a later checkpoint of one network.
    /// </param>
    private protected CatalogTable(Dictionary<string, T> items, string noun, Func<T, IReadOnlyList<string>> aliasesOf, bool revisionsNameRows = false)
    {
        _items = items;
        _noun = noun;
        _revisionsNameRows = revisionsNameRows;
        foreach (T item in items.Values)
        {
            foreach (string alias in aliasesOf(item))
            {
                _aliases[alias] = item;
                _aliases[AfterOwner(alias)] = item;
            }
        }

        // Stems serve only names that match no id or alias as written, so they are made on the first such lookup.
        _stems = new(() => Stems(items, aliasesOf));
    }

    /// <summary>
    /// Each alias's and id's stem. A stem two rows share names neither, and an empty one (a name of qualifiers alone,
    /// such as "NVIDIA") names nothing: a lookup by stem must find one row or none, never a guess.
    /// </summary>
    private Dictionary<string, T> Stems(Dictionary<string, T> items, Func<T, IReadOnlyList<string>> aliasesOf)
    {
        var stems = new Dictionary<string, T>(StringComparer.Ordinal);
        var shared = new HashSet<string>(StringComparer.Ordinal);
        void Claim(string name, T item)
        {
            string stem = Stem(name);
            if (stem.Length == 0 || shared.Contains(stem))
            {
                return;
            }

            if (stems.TryGetValue(stem, out T? owner) && !ReferenceEquals(owner, item))
            {
                stems.Remove(stem);
                shared.Add(stem);
                return;
            }

            stems[stem] = item;
        }

        foreach (T item in items.Values)
        {
            foreach (string alias in aliasesOf(item))
            {
                Claim(alias, item);
            }
        }

        foreach (var (id, item) in items)
        {
            Claim(id, item);
        }

        return stems;
    }

    /// <summary>All rows in id order.</summary>
    public IReadOnlyList<T> All => _items.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToList();

    /// <summary>Row ids.</summary>
    public IEnumerable<string> Ids => _items.Keys;

    /// <summary>Looks a row up; false when unknown.</summary>
    public bool TryGet(string id, out T spec) => _items.TryGetValue(id, out spec!);

    /// <summary>
    /// Looks a row up by id or by one of its aliases (a Hugging Face id such as <c>meta-llama/Llama-2-7b-hf</c>, or a
    /// vendor's system name), with or without the owner before the slash; false when nothing matches.
    /// </summary>
    public bool TryResolve(string name, out T spec) =>
        _items.TryGetValue(name, out spec!) || _aliases.TryGetValue(name, out spec!)
        || _items.TryGetValue(AfterOwner(name), out spec!) || _aliases.TryGetValue(AfterOwner(name), out spec!)
        || _stems.Value.TryGetValue(Stem(name), out spec!);

    /// <summary>Looks a row up; throws with a suggestion when unknown.</summary>
    public T Get(string id) => TryGet(id, out T spec)
        ? spec
        : throw new KeyNotFoundException($"unknown {_noun} '{id}'{ClosestName.Hint(id, Ids)}");

    private static string AfterOwner(string name) => name[(name.LastIndexOf('/') + 1)..];

    /// <summary>Name tokens that say how a checkpoint was tuned or quantised, not which network it is.</summary>
    private static readonly HashSet<string> Qualifiers = new(StringComparer.Ordinal)
    {
        "instruct", "chat", "hf", "base", "it", "thinking", "fp8", "dynamic", "fp16", "bf16", "int8", "int4", "w8a8", "w4a16", "w8a16",
        "awq", "gptq", "quantized", "marlin", "nvfp4", "mxfp4", "fp4", "meta",
        // A KV cache's format (AMD's "-FP8-KV") and bitsandbytes' formats ("-bnb-4bit").
        "kv", "bnb", "4bit", "8bit", "nf4",
        // Accelerators as drivers name them ("NVIDIA H100 80GB HBM3", "AMD Instinct MI300X"): vendor and memory type.
        "nvidia", "amd", "instinct", "tesla", "hbm2", "hbm2e", "hbm3", "hbm3e", "gddr6",
    };

    /// <summary>A qualifier, or qualifiers joined by dots as quantised checkpoints name them ("quantized.w4a16").</summary>
    private static bool IsQualifier(string token) =>
        Qualifiers.Contains(token) || (token.Contains('.') && token.Split('.').All(Qualifiers.Contains));

    /// <summary>A revision or release-date token ("v0.3", "2503"): a later checkpoint of the same network (never, where such tokens name rows).</summary>
    private bool IsRevision(string token) =>
        !_revisionsNameRows
        && ((token.Length >= 2 && token[0] == 'v' && char.IsAsciiDigit(token[1]) && token.AsSpan(1).IndexOfAnyExcept(VersionCharacters) < 0)
            || (token.Length == 4 && token.AsSpan().IndexOfAnyExcept(Digits) < 0));

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");
    private static readonly System.Buffers.SearchValues<char> VersionCharacters = System.Buffers.SearchValues.Create("0123456789.");

    /// <summary>
    /// A name reduced to what identifies the network: after the owner, lower case, without tuning, quantisation, vendor
    /// or revision qualifiers ("RedHatAI/Qwen3-14B-FP8-dynamic" and "Qwen/Qwen3-14B" share "qwen3-14b",
    /// "Meta-Llama-3.1-8B-Instruct" and "llama-3.1-8b" share "llama-3.1-8b", "Mistral-7B-Instruct-v0.3" is "mistral-7b";
    /// "NVIDIA A100-SXM4-80GB" is "a100-sxm-80gb", as is the alias "A100-SXM-80GB").
    /// </summary>
    private string Stem(string name) =>
        string.Join('-', AfterOwner(name).ToLowerInvariant().Replace('_', '-').Replace(' ', '-').Split('-', StringSplitOptions.RemoveEmptyEntries)
            .Where(t => !IsQualifier(t) && !IsRevision(t))
            .Select(t => t.Length == 4 && t.StartsWith("sxm", StringComparison.Ordinal) && char.IsAsciiDigit(t[3]) ? "sxm" : t));   // SXM4, SXM5: the form factor

    /// <summary>A copy of the rows for building an extended catalog.</summary>
    private protected Dictionary<string, T> CopyItems() => new(_items, StringComparer.OrdinalIgnoreCase);

    /// <summary>An empty row dictionary.</summary>
    private protected static Dictionary<string, T> NoItems() => new(StringComparer.OrdinalIgnoreCase);
}
