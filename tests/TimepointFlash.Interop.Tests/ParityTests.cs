using InteropTests.Support;
using TimepointFlash.Interop;

namespace InteropTests;

/// <summary>What the CLI and the API offer, the facade offers too: filtered lists, sequences, exports, models.</summary>
public sealed class ParityTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task ListAsync_filters_by_status_and_search_and_pages()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");
        await engine.GenerateAsync("moon landing 1969");
        await Assert.ThrowsAsync<TimepointRejectedException>(() => engine.GenerateAsync("how do I bake bread"));

        var failed = await engine.ListAsync(status: TimepointStatus.Failed);
        var completed = await engine.ListAsync(TimepointStatus.Completed, pageSize: 1);
        var found = await engine.ListAsync(search: "CAESAR");

        Assert.Equal("how do I bake bread", Assert.Single(failed.Items).Query);
        Assert.Equal(2, completed.Total);
        Assert.Single(completed.Items);
        Assert.Equal(caesar, Assert.Single(found.Items));
        Assert.Equal(3, (await engine.ListAsync()).Total);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.ListAsync(pageSize: 101));
    }

    [Fact]
    public async Task SequenceAsync_returns_the_scenes_linked_by_time_travel_in_order()
    {
        await using var engine = await _db.CreateEngineAsync();
        var start = await engine.GenerateAsync("assassination of julius caesar");
        var next = await engine.NextAsync(start.Id, 1, TravelUnit.Day);

        var both = await engine.SequenceAsync(start.Id);
        var prior = await engine.SequenceAsync(next.Id, SequenceDirection.Prior);

        Assert.Equal(start, both.Center);  // a fresh result equals the same scene read back
        Assert.Empty(both.Prior);
        Assert.Equal(next.Id, Assert.Single(both.Next).Id);
        Assert.Equal(start.Id, Assert.Single(prior.Prior).Id);
        Assert.Empty(prior.Next);
        await Assert.ThrowsAsync<TimepointNotFoundException>(() => engine.SequenceAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task ExportAsync_writes_json_or_markdown()
    {
        await using var engine = await _db.CreateEngineAsync();
        var t = await engine.GenerateAsync("assassination of julius caesar");

        var json = await engine.ExportAsync(t.Id);
        var markdown = await engine.ExportAsync(t.Id, ExportFormat.Markdown);

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(t.Slug, doc.RootElement.GetProperty("slug").GetString());
        Assert.StartsWith("# assassination of julius caesar", markdown);
        Assert.Contains("## Characters", markdown);
        await Assert.ThrowsAsync<TimepointNotFoundException>(() => engine.ExportAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task ModelsAsync_lists_the_offline_engines_models()
    {
        await using var engine = await _db.CreateEngineAsync();

        var models = await engine.ModelsAsync();

        Assert.NotEmpty(models);
        Assert.All(models, m => Assert.False(string.IsNullOrEmpty(m.Id)));
        Assert.Contains(models, m => m.Provider == "offline");
    }
}
