namespace ClusterSim.Reporting.Charts;

/// <summary>
/// The smallest and largest finite values seen, and the smallest and largest positive ones (what a log axis can show):
/// an axis's range from its data without collecting the data. Each extreme is the first value seen of those equal to it,
/// as a minimum or maximum over the collected values would give.
/// </summary>
internal struct ValueExtent
{
    private double _finiteMin, _finiteMax, _positiveMin, _positiveMax;
    private bool _anyFinite, _anyPositive;

    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        if (!_anyFinite)
        {
            (_finiteMin, _finiteMax, _anyFinite) = (value, value, true);
        }
        else
        {
            _finiteMin = value < _finiteMin ? value : _finiteMin;
            _finiteMax = value > _finiteMax ? value : _finiteMax;
        }

        if (value > 0)
        {
            if (!_anyPositive)
            {
                (_positiveMin, _positiveMax, _anyPositive) = (value, value, true);
            }
            else
            {
                _positiveMin = value < _positiveMin ? value : _positiveMin;
                _positiveMax = value > _positiveMax ? value : _positiveMax;
            }
        }
    }

    public void AddRange(IEnumerable<double> values)
    {
        foreach (double value in values)
        {
            Add(value);
        }
    }

    public readonly double FiniteMinOr(double none) => _anyFinite ? _finiteMin : none;

    public readonly double FiniteMaxOr(double none) => _anyFinite ? _finiteMax : none;

    public readonly double PositiveMinOr(double none) => _anyPositive ? _positiveMin : none;

    public readonly double PositiveMaxOr(double none) => _anyPositive ? _positiveMax : none;
}
