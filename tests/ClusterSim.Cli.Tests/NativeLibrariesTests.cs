namespace ClusterSim.Cli.Tests;

public class NativeLibrariesTests
{
    [Fact]
    public void A_missing_library_is_found_beneath_the_type_initializers_that_wrap_it()
    {
        var missing = new DllNotFoundException("Unable to load shared library 'libSkiaSharp' or one of its dependencies.\n/opt/x/libSkiaSharp.so: cannot open shared object file");
        var wrapped = new TypeInitializationException("ScottPlot.Fonts", new TypeInitializationException("SkiaSharp.SKTypeface", missing));

        Assert.Same(missing, NativeLibraries.MissingIn(wrapped));
        Assert.Null(NativeLibraries.MissingIn(new TypeInitializationException("X", new InvalidOperationException("a bug"))));
        Assert.Null(NativeLibraries.MissingIn(new DllNotFoundException("Unable to load shared library 'libSystem.Security.Cryptography.Native.OpenSsl'")));
        Assert.NotNull(NativeLibraries.MissingIn(new DllNotFoundException("Unable to load shared library 'libHarfBuzzSharp' or one of its dependencies.")));
    }

    [Fact]
    public void The_advice_names_the_library_and_where_it_belongs_on_one_line()
    {
        var missing = new DllNotFoundException("Unable to load shared library 'libSkiaSharp' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace.\n/opt/x/libSkiaSharp.so: cannot open shared object file");
        string advice = NativeLibraries.Advice(missing);

        Assert.DoesNotContain('\n', advice);
        Assert.StartsWith("cannot draw the charts: Unable to load shared library 'libSkiaSharp' or one of its dependencies. The published", advice, StringComparison.Ordinal);
        Assert.DoesNotContain("strace", advice, StringComparison.Ordinal);
        Assert.Contains("libSkiaSharp.so and libHarfBuzzSharp.so beside the executable", advice, StringComparison.Ordinal);
        Assert.Contains(AppContext.BaseDirectory, advice, StringComparison.Ordinal);
    }
}
