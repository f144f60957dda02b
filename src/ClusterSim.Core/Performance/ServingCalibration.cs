using ClusterSim.Core.Catalog;

namespace ClusterSim.Core.Performance;

/// <summary>
/// The step-time model's parameters for one accelerator family and arithmetic precision, with the measured rows they
/// were fitted on and where those came from. <see cref="IsFitted"/> is false for the generic row, used (with a warning)
/// where nothing was measured.
/// </summary>
public sealed record ServingCalibration
{
    /// <summary>Id of the generic, unfitted calibration.</summary>
    public const string GenericId = "generic";

    public required string Id { get; init; }
    public required Precision Precision { get; init; }
    public required EfficiencyFactors Factors { get; init; }

    /// <summary>The measured rows the factors were fitted on (empty for the generic row).</summary>
    public string FittedOn { get; init; } = string.Empty;

    /// <summary>
    /// The release of the row's engine its fit runs ran ("0.5.12"; "1.0" for any 1.x), or empty when the runs name none
    /// or several: a deployment naming an older release is warned (<see cref="CalibrationRelease"/>).
    /// </summary>
    public string FittedRelease { get; init; } = string.Empty;
    public required string Source { get; init; }

    /// <summary>
    /// True when the factors were fitted on measurements of this accelerator family: not the generic row, and naming the
    /// rows it was fitted on (a family's row for a precision nothing measured carries its other rows' factors, unfitted).
    /// </summary>
    public bool IsFitted => !string.Equals(Id, GenericId, StringComparison.OrdinalIgnoreCase) && FittedOn.Length > 0;

    /// <summary>How the source of a row `clustersim calibrate` wrote begins.</summary>
    public const string UserFitSource = "clustersim calibrate";

    /// <summary>True for a row `clustersim calibrate` wrote: a user's own fit, which fits the release and server in use.</summary>
    public bool IsUserFit => Source.StartsWith(UserFitSource, StringComparison.Ordinal);

    /// <summary>
    /// The source's first sentence (at most <see cref="GistLength"/> characters, cut at a word): what a warning quotes, the
    /// rest being one command away (<c>clustersim catalog calibrations</c>) rather than repeated for every accelerator.
    /// </summary>
    public string Gist => SourceGist(Source);

    /// <summary>The longest <see cref="Gist"/>, in characters, before the ellipsis.</summary>
    public const int GistLength = 200;

    /// <summary>Where a warning that quotes a row's <see cref="Gist"/> sends the reader for the rest.</summary>
    public const string SourcesHint = "`clustersim catalog calibrations` gives each row's source";

    private static string SourceGist(string source)
    {
        // A sentence ends at ". " outside parentheses and backquotes (a command quoted in a source has its own periods).
        int depth = 0;
        bool quoted = false;
        int end = source.Length;
        for (int i = 0; i < source.Length - 1; i++)
        {
            char c = source[i];
            quoted ^= c == '`';
            depth += quoted ? 0 : c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == '.' && source[i + 1] == ' ' && depth == 0 && !quoted)
            {
                end = i;
                break;
            }
        }

        string sentence = source[..end].TrimEnd('.', ' ');
        if (sentence.Length <= GistLength)
        {
            return sentence;
        }

        int cut = sentence.LastIndexOf(' ', GistLength);
        return sentence[..(cut > 0 ? cut : GistLength)].TrimEnd(',', ';', ':', ' ') + " …";
    }

    /// <summary>"hopper-vllm/bf16": the row's key as results and warnings name it.</summary>
    public string Name => $"{Id}/{Precision.ToString().ToLowerInvariant()}";
}
