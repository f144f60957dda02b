namespace ClusterSim.Core.Catalog;

/// <summary>The weight format a Hugging Face config's <c>quantization_config</c> declares, as the catalog's <c>native_precision</c>.</summary>
internal static class CheckpointFormat
{
    /// <summary>The checkpoint's own weight format (its <c>quantization_config</c>), empty for 16-bit weights.</summary>
    public static string Of(ConfigJson c, List<string> notes)
    {
        string? method = c.NestedText("quantization_config", "quant_method")?.ToLowerInvariant();
        if (method is null)
        {
            return string.Empty;
        }

        double? bits = c.NestedNumber("quantization_config", "bits") ?? c.NestedNumber("quantization_config", "w_bit");
        string? format = c.NestedText("quantization_config", "format")?.ToLowerInvariant();
        string precision = method switch
        {
            "fp8" or "fbgemm_fp8" => "fp8",
            "mxfp4" => "int4",
            "modelopt" => (c.NestedText("quantization_config", "quant_algo") ?? string.Empty).Contains("FP8", StringComparison.OrdinalIgnoreCase) ? "fp8" : "int4",
            "compressed-tensors" => format switch
            {
                "float-quantized" => "fp8",
                "int-quantized" or "naive-quantized" => "int8",
                _ when format?.Contains("pack") == true => "int4",
                _ => string.Empty,
            },
            _ => bits switch { 8 => "int8", 4 => "int4", _ => string.Empty },
        };
        notes.Add(precision.Length == 0
            ? $"quantization_config '{method}' is not one the importer reads: native_precision left empty (16-bit weights unless the deployment names its format)"
            : $"quantization_config '{method}': the checkpoint's weights are {precision} (native_precision), which a replay whose dtype is auto or unpublished takes");
        return precision;
    }
}
