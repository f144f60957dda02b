namespace ClusterSim.Core.Catalog;

/// <summary>
/// Where a family's config keeps its Mamba-2 layers' shape (Nemotron-H's <c>ssm_state_size</c> is Granite 4.0's
/// <c>mamba_d_state</c>), and the group count it defaults to.
/// </summary>
internal sealed record Mamba2Fields(string Family, string ConvKernel, string Groups, int DefaultGroups, string StateSize, string Heads, string HeadDim)
{
    public static Mamba2Fields NemotronH { get; } = new("Nemotron-H", "conv_kernel", "n_groups", 8, "ssm_state_size", "mamba_num_heads", "mamba_head_dim");

    public static Mamba2Fields Granite { get; } = new("Granite 4.0", "mamba_d_conv", "mamba_n_groups", 1, "mamba_d_state", "mamba_n_heads", "mamba_d_head");
}
