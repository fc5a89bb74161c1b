using System.Text.Json.Nodes;
using InteropTests.Support;
using TimepointFlash.Interop;

namespace InteropTests;

/// <summary>Model comparison through the facade, as the API's eval routes offer it (offline engine).</summary>
public sealed class EvalTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task EvalModelsAsync_lists_every_model_set_the_text_models_and_the_presets()
    {
        await using var engine = await _db.CreateEngineAsync();

        var models = await engine.EvalModelsAsync();

        Assert.Equal(new[] { "verified", "google_native", "openrouter", "all" }, models.Sets.Select(s => s.Name));
        Assert.NotEmpty(models.Models);
        Assert.Equal(models.Models.Count, models.Sets.Single(s => s.Name == "all").Count);
        Assert.True(models.GenerationPresets.Count >= 2, "the engine has presets to compare");
        Assert.Equal(models, await engine.EvalModelsAsync());
    }

    [Fact]
    public async Task CompareAsync_runs_two_presets_and_ranks_their_stored_scenes()
    {
        await using var engine = await _db.CreateEngineAsync();
        var presets = (await engine.EvalModelsAsync()).GenerationPresets.Take(2).ToArray();

        var comparison = await engine.CompareAsync("the signing of the magna carta 1215", presets: presets);

        Assert.Equal("the signing of the magna carta 1215", comparison.Query);
        Assert.Equal("text", comparison.PromptType);
        Assert.Equal(2, comparison.ModelsTested);
        Assert.Equal(presets.Select(p => $"preset:{p}"), comparison.Results.Select(r => r.ModelId));
        Assert.All(comparison.Results, r =>
        {
            Assert.Equal(EvalStatus.Completed, r.Status);
            Assert.True(r.Success);
            Assert.Null(r.Error);
            Assert.NotNull(r.Output);
            Assert.Equal(r.Output!.Length, r.OutputLength);
            Assert.NotNull(r.Scene);
            Assert.Equal(1215, r.Scene!.Year);
            Assert.Equal(r.Tokens.Input + r.Tokens.Output, r.Tokens.Total);
            Assert.True(r.CompletedAt >= r.StartedAt);
        });
        Assert.Equal(2, comparison.SuccessCount);
        Assert.Equal(0, comparison.FailureCount);
        Assert.Equal(100.0, comparison.SuccessRate);
        Assert.Equal(comparison.Results.Select(r => r.ModelId).Order(), comparison.Ranking.Order());
        Assert.Equal(comparison.Ranking[0], comparison.FastestModel);
        Assert.Equal(comparison.Ranking[1], comparison.SlowestModel);
        Assert.Equal(comparison.LatencyStats.MaxMs - comparison.LatencyStats.MinMs, comparison.LatencyStats.RangeMs);

        foreach (var r in comparison.Results)
        {
            var stored = await engine.GetAsync(r.TimepointId!.Value);
            Assert.Equal(TimepointStatus.Completed, stored.Status);
            Assert.Equal(r.Scene!.Slug, stored.Slug);
        }
    }

    [Fact]
    public async Task CompareReportAsync_adds_the_seventy_column_report()
    {
        await using var engine = await _db.CreateEngineAsync();
        var preset = (await engine.EvalModelsAsync()).GenerationPresets[0];

        var answer = await engine.CompareReportAsync("moon landing 1969", presets: new[] { preset, preset });

        Assert.Equal(1, answer.Comparison.ModelsTested);
        Assert.Contains("MODEL COMPARISON REPORT", answer.Report);
        Assert.Contains($"Preset {preset}", answer.Report);
        Assert.All(answer.Report.TrimEnd('\n').Split('\n'), line => Assert.True(line.Length <= 70, line));
    }

    [Fact]
    public void Every_field_of_the_eval_answers_has_a_typed_property_nullable_as_the_contract_says()
    {
        var schemas = ContractSchema.Schemas();
        var renamed = new Dictionary<string, string> { ["presets"] = "Sets" };
        void Check(JsonNode schema, Type record, string where) =>
            ContractSchema.Check(schema, record, where, renamed);

        Check(schemas["EvalComparison"]!, typeof(EvalComparison), "EvalComparison");
        Check(schemas["EvalModelResult"]!, typeof(EvalResult), "EvalModelResult");
        Check(schemas["EvalReport"]!, typeof(EvalReport), "EvalReport");
        Check(schemas["EvalModels"]!, typeof(EvalModels), "EvalModels");
        Check(schemas["EvalModelConfig"]!, typeof(EvalModel), "EvalModelConfig");
    }

    [Fact]
    public async Task CompareAsync_rejects_bad_requests_with_typed_exceptions()
    {
        await using var engine = await _db.CreateEngineAsync();

        var unknown = await Assert.ThrowsAsync<ArgumentException>(
            () => engine.CompareAsync("moon landing 1969", presets: new[] { "no-such-preset" }));
        Assert.Equal("presets", unknown.ParamName);
        var set = await Assert.ThrowsAsync<ArgumentException>(
            () => engine.CompareAsync("moon landing 1969", modelSet: "best"));
        Assert.Equal("modelSet", set.ParamName);
        var empty = await Assert.ThrowsAsync<ArgumentException>(
            () => engine.CompareAsync("moon landing 1969", models: Array.Empty<EvalModel>()));
        Assert.Equal("models", empty.ParamName);
        var query = await Assert.ThrowsAsync<ArgumentException>(() => engine.CompareAsync("x"));
        Assert.Equal("query", query.ParamName);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => engine.CompareAsync("moon landing 1969", timeoutSeconds: 5));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            var disposed = await _db.CreateEngineAsync();
            await disposed.DisposeAsync();
            await disposed.CompareAsync("moon landing 1969");
        });
    }
}
