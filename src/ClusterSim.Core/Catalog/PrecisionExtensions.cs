namespace ClusterSim.Core.Catalog;

/// <summary>Sizes of the numeric formats.</summary>
public static class PrecisionExtensions
{
    /// <summary>Bytes one element occupies.</summary>
    public static double BytesPerElement(this Precision precision) => precision switch
    {
        Precision.BF16 => 2,
        Precision.FP8 or Precision.INT8 => 1,
        Precision.INT4 => 0.5,
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };
}
