namespace ClusterSim.Core.Performance;

/// <summary>
/// How fast a hybrid's recurrent layers (Mamba-2, Gated DeltaNet) run where no calibration row has measured them: two
/// shares, one fitted on training runs and one on served decode steps, each held out on the other runs' data
/// (docs/calibration.md, "Hybrid models").
/// </summary>
public static class RecurrentKernels
{
    /// <summary>
    /// Fraction of the BF16 peak that a recurrent layer's chunked scan reaches on its nominal work, six FLOPs a state
    /// element a token (<see cref="Catalog.ModelSpec.LinearFlopsPerToken"/>), with the mixer's other small kernels
    /// (the short convolution, the gates, the grouped norm) around it: about 1 %. Mamba-2's chunked scan is five Triton
    /// kernels of small tiles with fp32 intermediates; the Mamba-2 paper's own benchmark (head width 64, state 64, A100)
    /// implies a few per cent of the peak on this count. Fitted on Megatron-Bridge 26.08's Nemotron 3 Nano run on eight
    /// GB300 (39,936 tokens/s a GPU; the step model 1.70× fast without the term) and held out on its 26.06 runs: B300
    /// 0.98, GB200 1.14, H100 1.16 (1.69, 1.92 and 2.11 before), and on served prompts: Nemotron 3 Nano's first tokens
    /// under vLLM on two B200 (median |TTFT error| 59 → 35 %), Qwen3.5-397B's Gated DeltaNet under vLLM on four TPU7x
    /// (21.5 → 12.5 %).
    /// </summary>
    public const double ScanShareOfBf16Peak = 0.0084;

    /// <summary>
    /// How much of the paged KV reads' efficiency the recurrent state's update reaches on the same engine and chip, when
    /// a decode step reads each sequence's state and writes it back: a quarter. Fitted, with the scan above, on the
    /// decode steps of Nemotron 3 Nano's vLLM runs on two B200 (the ITL at 16 to 1,024 users; one user and eight pay
    /// per-step costs this term is not, and 32 users decoded slower than 64): over the shares 1/3 to 1/5 the
    /// root-mean-square log error of the ITL is least at a quarter, 2.0 % with a mean of −0.6 % (the measured step grows
    /// 23 µs a sequence from 16 to 512 users; at the KV reads' own rate the simulated one grew 12). Held out on Gated
    /// DeltaNet hybrids under other engines and chips: Qwen3.5-397B on four TPU7x (vLLM on JAX) E2E 21.8 → 15.4 %,
    /// Qwen3-Next-80B under SGLang on H200 and H20 output throughput 22.5 → 16.9 % and 10.2 → 1.3 % (its state in FP32,
    /// as SGLang keeps it: <see cref="ServingDeployment.StateElementBytes"/>).
    /// </summary>
    public const double StateUpdateShareOfKvRead = 0.25;
}
