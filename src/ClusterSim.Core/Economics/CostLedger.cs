namespace ClusterSim.Core.Economics;

/// <summary>
/// Books accelerator-hours and dollars per account into fixed time buckets. Each booking goes to exactly one
/// account and one bucket, so totals are the sums of their parts by construction (and a test checks it).
/// </summary>
public sealed class CostLedger
{
    private static readonly int Accounts = Enum.GetValues<LedgerAccount>().Length;
    private readonly double[] _hours;
    private readonly double[] _dollars;

    /// <summary>A ledger of <paramref name="buckets"/> buckets of <paramref name="bucketDays"/> days.</summary>
    public CostLedger(int buckets, double bucketDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(buckets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketDays);
        Buckets = buckets;
        BucketDays = bucketDays;
        _hours = new double[buckets * Accounts];
        _dollars = new double[buckets * Accounts];
    }

    public int Buckets { get; }
    public double BucketDays { get; }

    /// <summary>Books <paramref name="acceleratorHours"/> costing <paramref name="usd"/> to an account in a bucket.</summary>
    public void Book(int bucket, LedgerAccount account, double acceleratorHours, double usd)
    {
        if (acceleratorHours < 0 || usd < 0 || !double.IsFinite(acceleratorHours) || !double.IsFinite(usd))
        {
            throw new ArgumentOutOfRangeException(nameof(acceleratorHours), $"bookings must be finite and not negative ({acceleratorHours} h, ${usd})");
        }

        int i = (bucket * Accounts) + (int)account;
        _hours[i] += acceleratorHours;
        _dollars[i] += usd;
    }

    public double Hours(int bucket, LedgerAccount account) => _hours[(bucket * Accounts) + (int)account];
    public double Dollars(int bucket, LedgerAccount account) => _dollars[(bucket * Accounts) + (int)account];

    public double TotalHours(LedgerAccount account) => Enumerable.Range(0, Buckets).Sum(b => Hours(b, account));
    public double TotalDollars(LedgerAccount account) => Enumerable.Range(0, Buckets).Sum(b => Dollars(b, account));
    public double TotalHours() => _hours.Sum();
    public double TotalDollars() => _dollars.Sum();

    /// <summary>Running total of dollars booked to the given accounts, at the end of each bucket.</summary>
    public double[] Cumulative(params LedgerAccount[] accounts)
    {
        var result = new double[Buckets];
        double sum = 0;
        for (int b = 0; b < Buckets; b++)
        {
            foreach (LedgerAccount a in accounts)
            {
                sum += Dollars(b, a);
            }

            result[b] = sum;
        }

        return result;
    }
}
