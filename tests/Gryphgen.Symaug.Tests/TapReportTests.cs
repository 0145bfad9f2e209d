using Gryphgen.Symaug.Acceptance;

namespace Gryphgen.Symaug.Tests;

/// <summary>The TAP reader takes one whole <c>node --test</c> report, never two written into one stream.</summary>
public sealed class TapReportTests
{
    private const string Report = """
        TAP version 13
        # Subtest: adds
        ok 1 - adds
          ---
          duration_ms: 0.5
          ...
        1..1
        # tests 1
        # suites 0
        # pass 1
        # fail 0
        # cancelled 0
        # skipped 0
        # todo 0
        """;

    [Fact]
    public void One_whole_report_is_read() => Assert.Equal(1, TapReport.Parse(Report, "/workspace").Summary.Passed);

    [Theory]
    [InlineData("")]
    [InlineData("# pass 5\n# fail 0\n")]
    public void Something_that_is_not_a_report_is_refused(string text) => Assert.Throws<FormatException>(() => TapReport.Parse(text, "/workspace"));

    [Fact]
    public void A_second_report_before_or_after_the_real_one_makes_it_invalid()
    {
        var failing = Report.Replace("# pass 1\n# fail 0", "# pass 0\n# fail 1");
        Assert.Throws<FormatException>(() => TapReport.Parse(Report + "\n" + failing, "/workspace"));
        Assert.Throws<FormatException>(() => TapReport.Parse(failing + "\n" + Report, "/workspace"));
    }
}
