using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TimepointFlash.Client.Tests;

/// <summary>The built API as a real process on a free loopback port, with the offline engine and a throwaway
/// SQLite file; one per test class.</summary>
public sealed class LiveServer : IAsyncLifetime
{
    private Process? _process;
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"tpflash-client-{Guid.NewGuid():N}.db");

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>A generated client over a fresh HttpClient aimed at the server.</summary>
    public TimepointFlashClient Client() =>
        new(new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) });

    private static string ApiDll()
    {
        var here = AppContext.BaseDirectory;
        var configuration = here.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var dir = new DirectoryInfo(here);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TimepointFlash.sln")))
            dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("repository root not found above " + here);
        return Path.Combine(dir.FullName, "src", "TimepointFlash.Api", "bin", configuration, "net10.0", "TimepointFlash.Api.dll");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ApiDll());
        foreach (var key in new[] { "GOOGLE_API_KEY", "OPENROUTER_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "API_KEYS" })
            start.Environment.Remove(key);
        start.Environment["DATABASE_URL"] = $"sqlite:///{_db}";
        start.Environment["HOST"] = "127.0.0.1";
        start.Environment["PORT"] = port.ToString();
        start.Environment["RATE_LIMIT"] = "0";
        start.Environment["READ_RATE_LIMIT"] = "0";
        _process = Process.Start(start) ?? throw new InvalidOperationException("the API did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await probe.GetAsync("health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (_process.HasExited) throw new InvalidOperationException($"the API exited with {_process.ExitCode}");
            await Task.Delay(250);
        }
        throw new TimeoutException("the API did not answer /health within 60 s");
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_db + suffix);
    }
}
