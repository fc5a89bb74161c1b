using TimepointFlash.Interop;
using InteropTests.Support;

namespace InteropTests;

public sealed class StreamTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Await_foreach_sees_every_step_and_ends_with_Done_and_the_timepoint_id()
    {
        await using var engine = await _db.CreateEngineAsync();
        var seen = new List<StepProgress>();

        await foreach (var p in engine.StreamAsync("signing of the declaration of independence"))
        {
            seen.Add(p);
        }

        var last = seen[^1];
        Assert.Equal(StepState.Done, last.State);
        Assert.Equal(100, last.Percent);
        Assert.NotNull(last.TimepointId);
        Assert.Null(last.Error);
        Assert.Single(seen, p => p.State == StepState.Done);
        Assert.Equal(11, seen.Count(p => p.State == StepState.Completed));
        Assert.Equal(11, seen.Count(p => p.State == StepState.Started));
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i].Percent >= seen[i - 1].Percent, $"percent fell at report {i}");
        }

        var scene = await engine.GetAsync(last.TimepointId.Value);
        Assert.Equal(TimepointStatus.Completed, scene.Status);
        Assert.Equal(1776, scene.Year);
    }

    [Fact]
    public async Task A_rejected_query_streams_a_Done_item_that_carries_the_reason()
    {
        await using var engine = await _db.CreateEngineAsync();
        var seen = new List<StepProgress>();

        await foreach (var p in engine.StreamAsync("how do I bake bread"))
        {
            seen.Add(p);
        }

        var last = seen[^1];
        Assert.Equal(StepState.Done, last.State);
        Assert.False(string.IsNullOrWhiteSpace(last.Error));
        var stored = await engine.GetAsync(last.TimepointId!.Value);
        Assert.Equal(TimepointStatus.Failed, stored.Status);
        Assert.NotNull(stored.SuggestedQuery);
    }

    [Fact]
    public async Task Nothing_runs_until_the_stream_is_enumerated()
    {
        await using var engine = await _db.CreateEngineAsync();

        var stream = engine.StreamAsync("assassination of julius caesar");
        await Task.Delay(200);

        Assert.Equal(0, (await engine.ListAsync()).Total);
        await foreach (var _ in stream) { }
        Assert.Equal(1, (await engine.ListAsync()).Total);
    }

    [Fact]
    public async Task Cancelling_with_WithCancellation_stops_the_stream_with_OperationCanceledException()
    {
        var client = new BlockingChatClient("scene");
        await using var engine = await _db.CreateEngineAsync(client);
        using var cts = new CancellationTokenSource();
        var seen = new List<StepProgress>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var p in engine.StreamAsync("moon landing").WithCancellation(cts.Token))
            {
                seen.Add(p);
                if (p.Step == "timeline" && p.State == StepState.Completed)
                {
                    await client.Blocked;
                    cts.Cancel();
                }
            }
        });

        Assert.DoesNotContain(seen, p => p.State == StepState.Done);
        var page = await engine.ListAsync();
        var stored = Assert.Single(page.Items);
        Assert.Equal(TimepointStatus.Failed, stored.Status);
    }

    [Fact]
    public async Task Leaving_the_loop_early_cancels_the_generation()
    {
        var client = new BlockingChatClient("scene");
        await using var engine = await _db.CreateEngineAsync(client);

        await foreach (var p in engine.StreamAsync("moon landing"))
        {
            if (p.Step == "timeline" && p.State == StepState.Completed)
            {
                await client.Blocked;
                break;
            }
        }

        var stored = Assert.Single((await engine.ListAsync()).Items);
        Assert.Equal(TimepointStatus.Failed, stored.Status);
        Assert.Equal("The generation was cancelled.", stored.Error);
    }
}
