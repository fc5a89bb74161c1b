using TimepointFlash.Interop;
using InteropTests.Support;

namespace InteropTests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task With_a_concurrency_of_one_a_second_generation_waits_for_the_first()
    {
        var client = new BlockingChatClient("scene");
        var options = _db.Options(client);
        options.Concurrency = 1;
        await using var engine = await TimepointEngine.CreateAsync(options);
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        Assert.Equal(1, engine.Concurrency);

        var running = engine.GenerateAsync("moon landing", cancellationToken: first.Token);
        await client.Blocked;
        var waiting = engine.GenerateAsync("moon landing again", cancellationToken: second.Token);
        await Task.Delay(300);

        Assert.Equal(1, client.Agents.Count(a => a == "judge"));
        Assert.False(waiting.IsCompleted);

        first.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (client.Agents.Count(a => a == "judge") < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(2, client.Agents.Count(a => a == "judge"));
        second.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
