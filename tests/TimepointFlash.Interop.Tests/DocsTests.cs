using System.Text.RegularExpressions;
using InteropTests.Support;

namespace InteropTests;

public sealed partial class DocsTests
{
    private const string ExampleFile = "tests/TimepointFlash.Interop.Tests/Examples/QuickStart.cs";

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TimepointFlash.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("TimepointFlash.sln not found above the test output");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n');

    [GeneratedRegex(@"<!-- example: (?<file>[^ ]+) -->\s*```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();

    [Fact]
    public void The_complete_example_in_CSHARP_md_is_the_compiled_QuickStart_file()
    {
        var root = RepoRoot();
        var guide = Normalize(File.ReadAllText(Path.Combine(root, "docs", "CSHARP.md")));

        var match = ExampleBlock().Match(guide);

        Assert.True(match.Success, "docs/CSHARP.md has no '<!-- example: … -->' csharp block");
        Assert.Equal(ExampleFile, match.Groups["file"].Value);
        var file = Normalize(File.ReadAllText(Path.Combine(root, ExampleFile)));
        Assert.Equal(file, match.Groups["code"].Value);
    }

    [Fact]
    public async Task The_quick_start_runs_offline_from_generation_to_rejection()
    {
        using var db = new TempDatabase();
        using var output = new StringWriter();

        await Examples.QuickStart.RunAsync(db.Url, output);

        var text = output.ToString();
        Assert.Contains("Engine: offline", text);
        Assert.Contains("  0% judge Started", text);
        Assert.Contains("100% complete Done", text);
        Assert.Contains("March 15, 44 BCE", text);
        Assert.Contains("Next: March 16, 44 BCE", text);
        Assert.Contains("Rejected: ", text);
    }
}
