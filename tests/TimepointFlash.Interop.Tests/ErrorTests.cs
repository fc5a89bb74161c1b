using TimepointFlash.Interop;
using InteropTests.Support;

namespace InteropTests;

public sealed class ErrorTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_request_that_is_no_moment_is_rejected_with_a_reason_and_a_suggestion()
    {
        await using var engine = await _db.CreateEngineAsync();

        var error = await Assert.ThrowsAsync<TimepointRejectedException>(
            () => engine.GenerateAsync("how do I bake bread"));

        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        Assert.False(string.IsNullOrWhiteSpace(error.SuggestedQuery));
        Assert.Contains(error.Reason, error.Message);
        Assert.IsAssignableFrom<TimepointFlashException>(error);
        var stored = await engine.GetAsync(error.TimepointId);
        Assert.Equal(TimepointStatus.Failed, stored.Status);
        Assert.Equal(error.SuggestedQuery, stored.SuggestedQuery);
    }

    [Fact]
    public async Task The_suggested_query_of_a_rejection_generates()
    {
        await using var engine = await _db.CreateEngineAsync();
        var error = await Assert.ThrowsAsync<TimepointRejectedException>(
            () => engine.GenerateAsync("how do I bake bread"));

        var scene = await engine.GenerateAsync(error.SuggestedQuery!);

        Assert.Equal(TimepointStatus.Completed, scene.Status);
    }

    [Fact]
    public async Task A_chat_client_that_answers_garbage_fails_the_generation()
    {
        var client = new GarbageChatClient();
        await using var engine = await _db.CreateEngineAsync(client);

        var error = await Assert.ThrowsAsync<GenerationFailedException>(() => engine.GenerateAsync("moon landing"));

        Assert.IsNotType<ProviderException>(error);
        Assert.Equal("judge", error.Step);
        Assert.Contains("invalid", error.Reason);
        Assert.Equal(new[] { "judge", "judge" }, client.Agents);
        var stored = await engine.GetAsync(error.TimepointId);
        Assert.Equal(TimepointStatus.Failed, stored.Status);
    }

    [Fact]
    public async Task A_chat_client_that_throws_is_a_provider_failure()
    {
        await using var engine = await _db.CreateEngineAsync(new ThrowingChatClient());

        var error = await Assert.ThrowsAsync<ProviderException>(() => engine.GenerateAsync("moon landing"));

        Assert.Equal("judge", error.Step);
        Assert.Contains("the chat client broke", error.Reason);
        Assert.Equal(TimepointStatus.Failed, (await engine.GetAsync(error.TimepointId)).Status);
        var cause = Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal("the chat client broke", cause.Message);
        Assert.Equal(ProviderFailureKind.Unavailable, error.Kind);
        Assert.Equal("chat-client", error.Provider);
        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task A_refused_key_is_an_authentication_failure_with_the_clients_exception_as_cause()
    {
        await using var engine = await _db.CreateEngineAsync(
            new StatusThrowingChatClient(System.Net.HttpStatusCode.Unauthorized));

        var error = await Assert.ThrowsAsync<ProviderException>(() => engine.GenerateAsync("moon landing"));

        Assert.Equal(ProviderFailureKind.Authentication, error.Kind);
        Assert.Equal("chat-client", error.Provider);
        var cause = Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, cause.StatusCode);
        Assert.Equal("judge", error.Step);
    }

    [Fact]
    public async Task A_provider_that_answers_429_with_Retry_After_is_a_rate_limit_carrying_the_wait()
    {
        using var provider = new RateLimitedProvider(retryAfterSeconds: 120);
        var options = _db.Options();
        options.OpenAiApiKey = "test-key-not-real";
        options.OpenAiBaseUrl = provider.BaseUrl + "/v1";
        options.PrimaryProvider = "openai";
        options.FallbackProvider = "none";
        await using var engine = await TimepointEngine.CreateAsync(options);

        var error = await Assert.ThrowsAsync<ProviderException>(() => engine.GenerateAsync("moon landing"));

        Assert.Equal(ProviderFailureKind.RateLimit, error.Kind);
        Assert.Equal("openai", error.Provider);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Equal("judge", error.Step);
        Assert.True(provider.Calls >= 1);
        Assert.Equal(TimepointStatus.Failed, (await engine.GetAsync(error.TimepointId)).Status);
    }

    [Fact]
    public async Task Cancelling_a_generation_throws_OperationCanceledException_and_stores_it_as_failed()
    {
        var client = new BlockingChatClient("scene");
        await using var engine = await _db.CreateEngineAsync(client);
        using var cts = new CancellationTokenSource();

        var generation = engine.GenerateAsync("moon landing", cancellationToken: cts.Token);
        await client.Blocked;
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generation);
        var stored = Assert.Single((await engine.ListAsync()).Items);
        Assert.Equal(TimepointStatus.Failed, stored.Status);
        Assert.Equal("The generation was cancelled.", stored.Error);
        Assert.DoesNotContain("moment", client.Agents);
    }

    [Fact]
    public async Task The_offline_engine_stops_at_the_next_step_once_cancelled()
    {
        await using var engine = await _db.CreateEngineAsync();
        using var cts = new CancellationTokenSource();
        var progress = new CancelAfter("timeline", cts);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => engine.GenerateAsync("assassination of julius caesar", null, progress, cts.Token));

        Assert.Equal(TimepointStatus.Failed, Assert.Single((await engine.ListAsync()).Items).Status);
    }

    [Fact]
    public async Task An_already_cancelled_token_stores_nothing()
    {
        await using var engine = await _db.CreateEngineAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => engine.GenerateAsync("assassination of julius caesar", cancellationToken: new CancellationToken(true)));

        Assert.Equal(0, (await engine.ListAsync()).Total);
    }

    [Fact]
    public async Task An_invalid_setting_is_a_configuration_error()
    {
        var options = _db.Options();
        options.PrimaryProvider = "no-such-provider";

        await Assert.ThrowsAsync<TimepointConfigurationException>(() => TimepointEngine.CreateAsync(options));
    }

    [Fact]
    public async Task An_unknown_fallback_provider_is_a_configuration_error()
    {
        var options = _db.Options();
        options.FallbackProvider = "carrier-pigeon";

        var error = await Assert.ThrowsAsync<TimepointConfigurationException>(() => TimepointEngine.CreateAsync(options));
        Assert.Contains("FALLBACK_PROVIDER", error.Message);
    }

    [Fact]
    public async Task An_unsupported_database_url_is_a_configuration_error()
    {
        var options = new TimepointEngineOptions { DatabaseUrl = "mysql://localhost/db", IgnoreEnvironment = true };

        var error = await Assert.ThrowsAsync<TimepointConfigurationException>(() => TimepointEngine.CreateAsync(options));
        Assert.Contains("mysql", error.Message);
    }

    [Fact]
    public async Task An_unreachable_database_is_storage_unavailable_not_a_configuration_error()
    {
        // Port 1 on loopback refuses connections: the database is down, the settings are fine.
        var options = new TimepointEngineOptions
        {
            DatabaseUrl = "postgresql://postgres@127.0.0.1:1/timepoints",
            IgnoreEnvironment = true,
        };

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => TimepointEngine.CreateAsync(options));
        Assert.IsAssignableFrom<TimepointStorageException>(error);
        Assert.Contains("database unavailable", error.Reason);
        Assert.DoesNotContain("\n", error.Message);
    }

    /// <summary>Cancels the token when a step completes.</summary>
    private sealed class CancelAfter(string step, CancellationTokenSource cts) : IProgress<StepProgress>
    {
        public void Report(StepProgress value)
        {
            if (value.Step == step && value.State == StepState.Completed)
            {
                cts.Cancel();
            }
        }
    }
}
