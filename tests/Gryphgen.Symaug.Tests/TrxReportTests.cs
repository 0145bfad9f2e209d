using System.Xml.Linq;
using Gryphgen.Contracts;
using Gryphgen.Symaug.Acceptance;
using Gryphgen.Symaug.Sandbox;
using Gryphgen.Testing;

namespace Gryphgen.Symaug.Tests;

/// <summary>
/// The TRX reader on a report in the shape <c>dotnet test --logger trx</c> writes, and on one the real tool wrote. The
/// real one is made on the host, not in a workspace run: in the sandbox <c>dotnet test</c> has no package source (no
/// network, and the host's NuGet cache is not bound in), and the packages' archives could only reach the workspace
/// through its upload limits.
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

    [Fact]
    public async Task A_report_written_by_dotnet_test_is_read_with_its_passing_and_failing_test()
    {
        var folder = Directory.CreateTempSubdirectory("gryphgen-trx-").FullName;
        try
        {
            WriteXunitProject(folder);

            var run = await ProcessRunner.RunAsync("dotnet",
                ["test", folder, "--nologo", "--disable-build-servers", "--results-directory", Path.Combine(folder, "results"), "--logger", "trx;LogFileName=results.trx"],
                TimeSpan.FromMinutes(10), environment: new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
            Assert.False(run.TimedOut, run.StandardOutput);
            Assert.Equal(1, run.ExitCode); // a test failed; a build or restore failure would leave no report
            var results = TrxReport.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "results", "results.trx")), folder);

            Assert.Equal(new TestSummary { Passed = 1, Failed = 1 }, results.Summary);
            var failed = Assert.Single(results.Failures);
            Assert.Equal("Calc.Tests.AddsNegatives", failed.Name);
            Assert.False(failed.Errored);
            Assert.StartsWith("Assert.Equal() Failure", failed.Message);
            Assert.Equal("CalcTests.cs:7", failed.Location);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// A one-class xunit project restored from this machine's NuGet cache only (offline), at the package versions the
    /// repository itself uses, so its own restore has put them there.
    /// </summary>
    private static void WriteXunitProject(string folder)
    {
        var versions = XDocument.Load(Path.Combine(TestAssets.RepositoryRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);
        var references = string.Concat(new[] { "Microsoft.NET.Test.Sdk", "xunit", "xunit.runner.visualstudio" }
            .Select(name => $"<PackageReference Include=\"{name}\" Version=\"{versions[name]}\" />"));
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(folder, "nuget.config"),
            $"<configuration><packageSources><clear /><add key=\"cache\" value=\"{cache}\" /></packageSources></configuration>");
        File.WriteAllText(Path.Combine(folder, "Calc.Tests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><IsPackable>false</IsPackable></PropertyGroup>
              <ItemGroup>{references}</ItemGroup>
            </Project>
            """);
        // Line 7 is the failing assertion.
        File.WriteAllText(Path.Combine(folder, "CalcTests.cs"), """
            namespace Calc;
            public class Tests
            {
                [Xunit.Fact] public void Adds() => Xunit.Assert.Equal(4, 2 + 2);
                [Xunit.Fact] public void AddsNegatives()
                {
                    Xunit.Assert.Equal(-5, -2 + 3);
                }
            }
            """);
    }
}
