using ClusterSim.Core.Catalog;
using ClusterSim.Core.Economics;
using ClusterSim.Experiments.Files;
using ClusterSim.Experiments.Tests.Results;

namespace ClusterSim.Experiments.Tests.Files;

public class DemandTraceFileTests
{
    private static DemandProfile Read(ResultsFolder folder, string text, double meanOutput = 200)
    {
        Directory.CreateDirectory(folder.Root);
        string path = folder["demand.csv"];
        File.WriteAllText(path, text);
        return DemandTraceFile.Read(path, meanOutput);
    }

    [Fact]
    public void Hourly_request_counts_become_output_tokens_a_second_at_the_mean_output_length()
    {
        using var folder = new ResultsFolder();
        DemandProfile profile = Read(folder, "hour,requests\n0,3600\n1,7200\n2,0\n", meanOutput: 200);

        Assert.Equal(3, profile.Steps);
        Assert.Equal(3 * 3600, profile.SpanSeconds);   // the last step lasts as long as the one before
        Assert.Equal(200, profile.RateAt(0));   // 3,600 requests in an hour: one a second, 200 tokens each
        Assert.Equal(400, profile.RateAt(3600));
        Assert.Equal(0, profile.RateAt(2.5 * 3600));
        Assert.Equal(200, profile.RateAt(3 * 3600));   // it repeats
        Assert.Equal(folder["demand.csv"], profile.Source);
    }

    [Fact]
    public void Rates_token_counts_seconds_and_timestamps_read_alike()
    {
        using var folder = new ResultsFolder();
        DemandProfile rates = Read(folder, "time_s,output_tokens_per_s\n0,50\n600,150\n");
        DemandProfile counts = Read(folder, "time_s,output_tokens\n0,30000\n600,90000\n");
        DemandProfile stamps = Read(folder, "timestamp,requests_per_s\n2025-03-01T00:00:00Z,0.25\n2025-03-01 00:10:00,0.75\n");
        DemandProfile days = Read(folder, "day,output_tokens\n0,4320000\n1,12960000\n");
        Assert.Equal(2 * 86_400, days.SpanSeconds);
        Assert.Equal(50, days.RateAt(100), 9);
        Assert.Equal(150, days.RateAt(86_400 + 100), 9);

        foreach (DemandProfile p in new[] { rates, counts, stamps })
        {
            Assert.Equal(1200, p.SpanSeconds);
            Assert.Equal(50, p.RateAt(10), 9);
            Assert.Equal(150, p.RateAt(700), 9);
        }
    }

    [Theory]
    [InlineData("hours,requests\n0,1\n1,2\n", 1, "expected one of the columns day, hour, time_s, timestamp; the header has hours, requests")]
    [InlineData("hour,requests,output_tokens\n0,1,1\n1,2,2\n", 1, "expected one of the columns requests, requests_per_s, output_tokens, output_tokens_per_s, not requests and output_tokens")]
    [InlineData("hour,requests\n0,1\n2,2\n1,3\n", 4, "times must increase from row to row")]
    [InlineData("hour,requests\n0,1\n1,-2\n", 3, "expected a number ≥ 0, got '-2'")]
    [InlineData("hour,requests\n0,1\n1,lots\n", 3, "expected a number ≥ 0, got 'lots'")]
    [InlineData("hour,requests\n0,1\n", 1, "a demand trace needs two rows at least")]
    [InlineData("hour,requests\n1,1\n2,1\n", 2, "the first row is the launch, at 0; got 1")]
    [InlineData("hour,requests\n0,0\n1,0\n", 1, "every step asks for nothing")]
    [InlineData("timestamp,requests\nyesterday,1\n2025-01-01,1\n", 2, "'yesterday' is not a date and time")]
    public void A_bad_trace_is_refused_naming_its_line_and_what_was_expected(string text, int line, string message)
    {
        using var folder = new ResultsFolder();
        var error = Assert.Throws<CatalogException>(() => Read(folder, text));
        Assert.Contains($"demand.csv:{line}:", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
