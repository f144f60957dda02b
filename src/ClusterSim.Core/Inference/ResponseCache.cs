namespace ClusterSim.Core.Inference;

/// <summary>
/// Whole answers by query, least recently used evicted first, each valid for a fixed time after it was produced.
/// </summary>
internal sealed class ResponseCache(int entries, long ttlNanos)
{
    private readonly LruTable<long> _expiries = new(entries);

    /// <summary>True when a valid answer to <paramref name="key"/> is cached at <paramref name="now"/> (it becomes the most recent).</summary>
    public bool TryHit(long key, long now)
    {
        if (!_expiries.TryGetValue(key, out long expiry))
        {
            return false;
        }

        if (expiry <= now)
        {
            _expiries.Remove(key);
            return false;
        }

        _expiries.Touch(key);
        return true;
    }

    /// <summary>Keeps the answer to <paramref name="key"/> produced at <paramref name="now"/>.</summary>
    public void Store(long key, long now) => _expiries.Put(key, now + ttlNanos);
}
