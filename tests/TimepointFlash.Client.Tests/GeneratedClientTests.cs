namespace TimepointFlash.Client.Tests;

/// <summary>The NSwag client generated from the OpenAPI document, against a live server: generate, get, list,
/// navigation, background jobs and problem answers, all through typed calls.</summary>
public sealed class GeneratedClientTests(LiveServer server) : IClassFixture<LiveServer>
{
    private readonly TimepointFlashClient _client = server.Client();

    [Fact]
    public async Task Sync_generation_returns_a_typed_completed_timepoint()
    {
        var t = await _client.GenerateSyncAsync(new GenerateRequest { Query = "signing of the declaration of independence" });
        Assert.Equal(TimepointStatus.Completed, t.Status);
        Assert.Equal(1776, t.Year);
        Assert.Contains("Philadelphia", t.Location);
        Assert.NotNull(t.Characters);
        Assert.NotEmpty(t.Characters.Characters);
        Assert.False(t.Has_image);
    }

    [Fact]
    public async Task A_generated_timepoint_is_found_by_id_by_slug_and_in_the_list()
    {
        var t = await _client.GenerateSyncAsync(new GenerateRequest { Query = "rome 50 BCE" });
        var byId = await _client.GetTimepointAsync(t.Id, full: false, include_image: null);
        Assert.Equal(t.Slug, byId.Slug);
        Assert.Equal(-50, byId.Year);
        var bySlug = await _client.GetTimepointBySlugAsync(t.Slug, full: true);
        Assert.Equal(t.Id, bySlug.Id);
        var page = await _client.ListTimepointsAsync(1, 100, null, null, null);
        Assert.Contains(page.Items, i => i.Id == t.Id);
        Assert.Equal(100, page.Page_size);
    }

    [Fact]
    public async Task Navigation_generates_a_later_moment_linked_in_the_sequence()
    {
        var source = await _client.GenerateSyncAsync(new GenerateRequest { Query = "fall of the berlin wall" });
        var next = await _client.NavigateNextAsync(source.Id, new NavigateRequest { Units = 1, Unit = NavigateRequestUnit.Year });
        Assert.Equal(source.Id, next.Source_id);
        Assert.Equal(source.Year + 1, next.Target_year);
        var sequence = await _client.SequenceAsync(source.Id, Direction.Next, 10);
        Assert.Contains(sequence.Next, l => l.Id == next.Target_id);
    }

    [Fact]
    public async Task A_background_job_is_accepted_and_completes()
    {
        var accepted = await _client.GenerateBackgroundAsync(new GenerateRequest { Query = "apollo 11 moon landing" });
        Assert.Equal(GenerateAcceptedStatus.Processing, accepted.Status);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        Timepoint t;
        do
        {
            await Task.Delay(200);
            t = await _client.GetTimepointAsync(accepted.Id, full: true, include_image: null);
        } while (t.Status is TimepointStatus.Pending or TimepointStatus.Processing && DateTime.UtcNow < deadline);
        Assert.Equal(TimepointStatus.Completed, t.Status);
    }

    [Fact]
    public async Task An_unknown_timepoint_is_a_typed_404_problem()
    {
        var e = await Assert.ThrowsAsync<ApiException<Problem>>(() => _client.GetTimepointAsync(Guid.NewGuid(), null, null));
        Assert.Equal(404, e.StatusCode);
        Assert.Equal(e.Result.Detail, e.Result.Error);
    }

    [Fact]
    public async Task An_invalid_body_is_a_typed_422_problem_with_field_errors()
    {
        var e = await Assert.ThrowsAsync<ApiException<Problem>>(() => _client.GenerateSyncAsync(new GenerateRequest { Query = "ab" }));
        Assert.Equal(422, e.StatusCode);
        Assert.Contains(e.Result.Errors, f => f.Field == "query");
    }

    [Fact]
    public async Task The_status_and_health_are_typed()
    {
        var status = await _client.StatusAsync();
        Assert.Equal("offline", status.Primary_provider);
        var health = await _client.DeepHealthAsync();
        Assert.True(health.Database);
    }
}
