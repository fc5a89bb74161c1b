using Microsoft.Extensions.AI;
using TimepointFlash.Interop;

namespace InteropTests.Support;

/// <summary>A throwaway SQLite file per test; deleted when disposed.</summary>
public sealed class TempDatabase : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tpf-cs-{Guid.NewGuid():N}.db");

    public string Url => $"sqlite:///{Path}";

    public TimepointEngineOptions Options(IChatClient? chatClient = null) =>
        new() { DatabaseUrl = Url, IgnoreEnvironment = true, ChatClient = chatClient };

    public Task<TimepointEngine> CreateEngineAsync(IChatClient? chatClient = null) =>
        TimepointEngine.CreateAsync(Options(chatClient));

    public void Dispose()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            try { File.Delete(Path + suffix); } catch (IOException) { }
        }
    }
}

/// <summary>Collects progress synchronously (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
public sealed class ProgressLog : IProgress<StepProgress>
{
    private readonly List<StepProgress> _reports = new();

    public IReadOnlyList<StepProgress> Reports
    {
        get { lock (_reports) return _reports.ToList(); }
    }

    public void Report(StepProgress value)
    {
        lock (_reports) _reports.Add(value);
    }
}
