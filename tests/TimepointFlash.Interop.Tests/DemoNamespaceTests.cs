using InteropTests.Support;
using TimepointFlash.Interop;

// Inside a TimepointFlash.* namespace the plain names must mean the facade's types: nothing from the F#
// implementation (TimepointFlash.Timepoint, TimepointFlash.TimepointStatus, …) is visible to the compiler.
// If it were, this file would not compile (CS0029 / CS0104).
namespace TimepointFlash.Demo;

public sealed class DemoNamespaceTests
{
    [Fact]
    public async Task Plain_names_inside_a_TimepointFlash_namespace_are_the_facade_types()
    {
        using var db = new TempDatabase();
        await using TimepointEngine engine = await db.CreateEngineAsync();

        Timepoint generated = await engine.GenerateAsync("assassination of julius caesar");
        Timepoint t = await engine.GetAsync(generated.Id);
        TimepointStatus status = t.Status;
        TimepointPage page = await engine.ListAsync();

        Assert.Equal(TimepointStatus.Completed, status);
        Assert.Equal(t, Assert.Single(page.Items));
    }
}
