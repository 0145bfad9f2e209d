using Gryphgen.Contracts;
using Gryphgen.Symaug.Acceptance;

namespace Gryphgen.Symaug.Tests;

/// <summary>
/// The TRX reader on a report in the shape <c>dotnet test --logger trx</c> writes (a sandboxed <c>dotnet test</c>
/// cannot restore packages without a network, so this format is checked on a report rather than a live run).
/// </summary>
public sealed class TrxReportTests
{
    private const string Report = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun id="6f1d" name="root@sandbox" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testName="Calc.Tests.Adds" outcome="Passed" />
            <UnitTestResult testName="Calc.Tests.AddsNegatives" outcome="Failed">
              <Output>
                <ErrorInfo>
                  <Message>Assert.Equal() Failure: Values differ
        Expected: -5
        Actual:   0</Message>
                  <StackTrace>   at Calc.Tests.AddsNegatives() in /workspace/Calc.Tests/CalcTests.cs:line 14
           at System.Reflection.MethodBaseInvoker.InterpretedInvoke_Method(Object obj, IntPtr* args)</StackTrace>
                </ErrorInfo>
              </Output>
            </UnitTestResult>
            <UnitTestResult testName="Calc.Tests.Later" outcome="NotExecuted" />
            <UnitTestResult testName="Calc.Tests.Crashes" outcome="Error" />
          </Results>
        </TestRun>
        """;

    [Fact]
    public void Outcomes_are_counted_and_failures_carry_message_and_source_location()
    {
        var results = TrxReport.Parse(Report, "/workspace");

        Assert.Equal(new TestSummary { Passed = 1, Failed = 1, Skipped = 1, Errored = 1 }, results.Summary);
        var failed = results.Failures.Single(f => !f.Errored);
        Assert.Equal("Calc.Tests.AddsNegatives", failed.Name);
        Assert.StartsWith("Assert.Equal() Failure", failed.Message);
        Assert.Equal("Calc.Tests/CalcTests.cs:14", failed.Location);
        Assert.Equal("Calc.Tests.Crashes", results.Failures.Single(f => f.Errored).Name);
    }
}
