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

        var match = ExampleBlock().Matches(guide).SingleOrDefault(m => m.Groups["file"].Value == ExampleFile);

        Assert.True(match is not null, $"docs/CSHARP.md has no '<!-- example: {ExampleFile} -->' csharp block");
        var file = Normalize(File.ReadAllText(Path.Combine(root, ExampleFile)));
        Assert.Equal(file, match.Groups["code"].Value);
    }

    [Fact]
    public void The_chat_example_in_CSHARP_md_is_the_compiled_Chat_file()
    {
        const string chatFile = "tests/TimepointFlash.Interop.Tests/Examples/Chat.cs";
        var root = RepoRoot();
        var guide = Normalize(File.ReadAllText(Path.Combine(root, "docs", "CSHARP.md")));

        var match = ExampleBlock().Matches(guide).SingleOrDefault(m => m.Groups["file"].Value == chatFile);

        Assert.True(match is not null, $"docs/CSHARP.md has no '<!-- example: {chatFile} -->' csharp block");
        var file = Normalize(File.ReadAllText(Path.Combine(root, chatFile)));
        Assert.Equal(file, match.Groups["code"].Value);
    }

    [Fact]
    public async Task The_chat_example_runs_offline_and_its_answers_name_the_scene()
    {
        using var db = new TempDatabase();
        using var output = new StringWriter();

        await Examples.Chat.RunAsync(db.Url, output);

        var text = output.ToString();
        Assert.Contains("Session: 4 messages", text);
        Assert.Contains("(streamed):", text);
        Assert.Contains("Not here: Napoleon; ask one of ", text);
        Assert.Contains("Caesar", text);
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
