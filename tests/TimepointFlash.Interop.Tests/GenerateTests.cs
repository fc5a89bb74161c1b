using TimepointFlash.Interop;
using InteropTests.Support;

namespace InteropTests;

public sealed class GenerateTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task An_engine_without_provider_keys_is_the_offline_engine()
    {
        await using var engine = await _db.CreateEngineAsync();

        Assert.True(engine.IsOffline);
        Assert.Equal("offline", engine.EngineName);
        Assert.Equal(4, engine.Concurrency);
    }

    [Fact]
    public async Task A_preset_and_a_temperature_are_used_and_recorded_as_provenance()
    {
        await using var engine = await _db.CreateEngineAsync();

        var scene = await engine.GenerateAsync(
            "signing of the declaration of independence",
            new GenerateOptions { Preset = "HYPER", Temperature = 0.4 });

        Assert.Equal(TimepointStatus.Completed, scene.Status);
        var json = scene.ToJson().Replace(" ", "");
        Assert.Contains("\"preset_used\":\"hyper\"", json);
        Assert.Contains("\"model_provider\":\"offline\"", json);
    }

    [Fact]
    public async Task An_unknown_preset_or_an_out_of_range_temperature_is_an_argument_exception_naming_the_allowed_values()
    {
        await using var engine = await _db.CreateEngineAsync();

        var preset = await Assert.ThrowsAsync<ArgumentException>(() =>
            engine.GenerateAsync("rome 50 BCE", new GenerateOptions { Preset = "turbo" }));
        Assert.Contains("hyper, balanced, hd, gemini3, free_distillable, frontier", preset.Message);

        var temperature = await Assert.ThrowsAsync<ArgumentException>(() =>
            engine.GenerateAsync("rome 50 BCE", new GenerateOptions { Temperature = 2.5 }));
        Assert.Contains("between 0 and 2", temperature.Message);

        var grounding = await Assert.ThrowsAsync<ArgumentException>(() =>
            engine.GenerateAsync("rome 50 BCE", new GenerateOptions { Grounding = "always" }));
        Assert.Contains("auto, on, off", grounding.Message);
    }

    [Fact]
    public async Task Grounding_off_leaves_a_real_event_unverified_and_says_so()
    {
        await using var engine = await _db.CreateEngineAsync();

        var off = await engine.GenerateAsync(
            "assassination of julius caesar", new GenerateOptions { Grounding = "off" });
        var offJson = off.ToJson().Replace(" ", "");
        Assert.Contains("\"grounding\":null", offJson);
        Assert.Contains("\"state\":\"off\"", offJson);

        var on = await engine.GenerateAsync(
            "assassination of julius caesar", new GenerateOptions { Grounding = "on" });
        var onJson = on.ToJson().Replace(" ", "");
        Assert.Contains("\"state\":\"grounded\"", onJson);
        Assert.Contains("\"method\":\"curated\"", onJson);
    }

    [Fact]
    public async Task Generating_the_declaration_of_independence_stages_July_4_1776_in_Philadelphia()
    {
        await using var engine = await _db.CreateEngineAsync();

        var scene = await engine.GenerateAsync("signing of the declaration of independence");

        Assert.Equal(TimepointStatus.Completed, scene.Status);
        Assert.Equal("signing of the declaration of independence", scene.Query);
        Assert.Equal(1776, scene.Year);
        Assert.Equal(7, scene.Month);
        Assert.Equal(4, scene.Day);
        Assert.StartsWith("July 4, 1776", scene.DisplayDate);
        Assert.Contains("Philadelphia", scene.Location);
        Assert.False(string.IsNullOrWhiteSpace(scene.Slug));
        Assert.False(string.IsNullOrWhiteSpace(scene.Setting));
        Assert.False(string.IsNullOrWhiteSpace(scene.Atmosphere));
        Assert.False(string.IsNullOrWhiteSpace(scene.Plot));
        Assert.False(string.IsNullOrWhiteSpace(scene.Camera));
        Assert.False(string.IsNullOrWhiteSpace(scene.ImagePrompt));
        Assert.Null(scene.Error);
        Assert.Null(scene.ParentId);
        Assert.False(scene.HasImage);
        Assert.InRange(scene.Characters.Count, 1, 8);
        Assert.All(scene.Characters, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Name));
            Assert.Contains(c.Role, new[] { "primary", "secondary", "background" });
        });
        Assert.NotEmpty(scene.Dialog);
        var cast = scene.Characters.Select(c => c.Name).ToHashSet();
        Assert.All(scene.Dialog, line => Assert.Contains(line.Speaker, cast));
        Assert.All(scene.Relationships, r =>
        {
            Assert.Contains(r.From, cast);
            Assert.Contains(r.To, cast);
        });
        Assert.Contains("\"status\":\"completed\"", scene.ToJson().Replace(" ", ""));
    }

    [Fact]
    public async Task Progress_reports_ten_completed_steps_with_a_percent_that_never_decreases()
    {
        await using var engine = await _db.CreateEngineAsync();
        var progress = new ProgressLog();

        await engine.GenerateAsync("assassination of julius caesar", progress: progress);

        var reports = progress.Reports;
        var completed = reports.Where(r => r.State == StepState.Completed).Select(r => r.Step).ToList();
        Assert.Equal(11, completed.Count);
        Assert.Equal(
            new[] { "camera", "characters", "critique", "dialog", "graph", "grounding", "image_prompt", "judge", "moment", "scene", "timeline" },
            completed.OrderBy(s => s, StringComparer.Ordinal));
        Assert.Equal("judge", reports[0].Step);
        Assert.Equal(StepState.Started, reports[0].State);
        Assert.Equal(0, reports[0].Percent);
        for (var i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].Percent >= reports[i - 1].Percent, $"percent fell at report {i}");
        }

        Assert.All(reports.Where(r => r.State == StepState.Completed), r =>
        {
            Assert.NotNull(r.Model);
            Assert.NotNull(r.LatencyMs);
        });
        Assert.DoesNotContain(reports, r => r.State is StepState.Failed or StepState.Done);
    }

    [Fact]
    public async Task Generating_with_an_image_stores_one_that_can_be_read_back()
    {
        await using var engine = await _db.CreateEngineAsync();
        var progress = new ProgressLog();

        var scene = await engine.GenerateAsync(
            "assassination of julius caesar", new GenerateOptions { GenerateImage = true }, progress);

        Assert.True(scene.HasImage);
        Assert.Equal(12, progress.Reports.Count(r => r.State == StepState.Completed));
        var image = await engine.GetImageAsync(scene.Id);
        Assert.NotNull(image);
        Assert.NotEmpty(image.Bytes);
        Assert.StartsWith("image/", image.MimeType);
    }

    [Fact]
    public async Task A_scene_without_an_image_has_no_image_to_read()
    {
        await using var engine = await _db.CreateEngineAsync();
        var scene = await engine.GenerateAsync("assassination of julius caesar");

        Assert.Null(await engine.GetImageAsync(scene.Id));
        await Assert.ThrowsAsync<TimepointNotFoundException>(() => engine.GetImageAsync(Guid.NewGuid()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  a ")]
    public async Task A_query_shorter_than_three_characters_is_an_argument_error(string query)
    {
        await using var engine = await _db.CreateEngineAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => engine.GenerateAsync(query));
        Assert.Equal("query", error.ParamName);
        Assert.Equal(0, (await engine.ListAsync()).Total);
    }
}
