using System.Net;
using System.Net.Sockets;
using System.Text;

namespace InteropTests.Support;

/// <summary>
/// A fake OpenAI-compatible provider on a loopback port that answers every call 429 with a Retry-After header
/// (in seconds) and OpenAI's rate-limit error body.
/// </summary>
public sealed class RateLimitedProvider : IDisposable
{
    private readonly HttpListener _listener = new();
    private int _calls;

    public RateLimitedProvider(int retryAfterSeconds)
    {
        RetryAfterSeconds = retryAfterSeconds;
        BaseUrl = $"http://127.0.0.1:{FreePort()}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _ = Task.Run(AnswerAsync);
    }

    /// <summary>The wait every answer asks for.</summary>
    public int RetryAfterSeconds { get; }

    /// <summary><c>http://127.0.0.1:port</c>; the OpenAI base URL is this plus <c>/v1</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Calls answered so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    private async Task AnswerAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }

            Interlocked.Increment(ref _calls);
            var body = Encoding.UTF8.GetBytes(
                """{"error": {"message": "Rate limit reached for requests", "type": "requests", "param": null, "code": "rate_limit_exceeded"}}""");
            context.Response.StatusCode = 429;
            context.Response.ContentType = "application/json";
            context.Response.Headers["Retry-After"] = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose() => _listener.Close();
}
