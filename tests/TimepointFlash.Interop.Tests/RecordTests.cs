using InteropTests.Support;
using TimepointFlash.Interop;

namespace InteropTests;

public sealed class RecordTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Timepoints_are_records_with_value_equality_ToString_and_with()
    {
        await using var engine = await _db.CreateEngineAsync();
        var made = await engine.GenerateAsync("assassination of julius caesar");

        var first = await engine.GetAsync(made.Id);
        var again = await engine.GetBySlugAsync(made.Slug);
        var renamed = again with { Query = "another query" };

        Assert.NotSame(first, again);
        Assert.Equal(made.ToJson(), first.ToJson());
        Assert.Equal(made, first);
        Assert.Equal(first, again);
        Assert.Equal(first.GetHashCode(), again.GetHashCode());
        Assert.NotEqual(again, renamed);
        Assert.Equal("another query", renamed.Query);
        Assert.Equal(again.Id, renamed.Id);
        Assert.StartsWith("Timepoint { Id = ", again.ToString());
        Assert.Equal(again.Characters[0], again.Characters[0] with { });
    }

    [Fact]
    public async Task Every_field_of_the_JSON_has_a_typed_property()
    {
        await using var engine = await _db.CreateEngineAsync();
        var t = await engine.GenerateAsync("assassination of julius caesar");
        using var json = System.Text.Json.JsonDocument.Parse(t.ToJson());
        var root = json.RootElement;

        int? Int(string name) => root.GetProperty(name).ValueKind == System.Text.Json.JsonValueKind.Null
            ? null
            : root.GetProperty(name).GetInt32();

        string? Str(System.Text.Json.JsonElement e) =>
            e.ValueKind == System.Text.Json.JsonValueKind.Null ? null : e.GetString();

        Assert.Equal(Int("year"), t.Year);
        Assert.Equal(Int("month"), t.Month);
        Assert.Equal(Int("day"), t.Day);
        Assert.Equal(Int("hour"), t.Hour);
        Assert.Equal(Int("minute"), t.Minute);
        Assert.Equal(Str(root.GetProperty("season")), t.Season);
        Assert.NotNull(t.Weather);
        Assert.NotNull(t.Stakes);
        Assert.NotNull(t.Moment);
        Assert.Equal(t.Plot, t.Moment!.Plot);
        Assert.NotNull(t.CameraDetails);
        Assert.False(string.IsNullOrEmpty(t.CameraDetails!.ShotType));
        Assert.NotEmpty(t.Factions);
        Assert.True(t.UpdatedAt >= t.CreatedAt);
        Assert.Null(t.ErrorKind);
        Assert.Null(t.ErrorStep);
    }

    /// <summary>Fields of the full timepoint's JSON that have no property of their name, and why. Kept in step
    /// with docs/CSHARP.md ("Fields left out").</summary>
    public static readonly IReadOnlyDictionary<string, string> LeftOut = new Dictionary<string, string>
    {
        ["scene"] = "flattened: Setting, Atmosphere, Weather, Lighting, TensionLevel",
        ["characters"] = "Characters is the cast list itself (empty, never null, when there is none)",
        ["dialog"] = "Dialog is the list of lines (empty, never null, when there is none)",
        ["metadata"] = "per-step outputs; their typed parts are flattened (Relationships, Factions, CentralConflict, "
            + "Review, DialogRevised, Camera, CameraDetails, ImagePrompt); the rest is in ToJson()",
        ["image_url"] = "an HTTP route address; the facade reads the image with GetImageAsync (HasImage)",
        ["image_base64"] = "always null here (reference compatibility)",
        ["is_deleted"] = "always false here (reference compatibility)",
        ["sequence_id"] = "always null here (reference compatibility)",
        ["render_type"] = "always \"image\" here (reference compatibility)",
        ["generation_version"] = "always 1 here (reference compatibility)",
        ["tags"] = "always null here (reference compatibility)",
        ["visibility"] = "always \"public\" here (reference compatibility)",
        ["share_url"] = "always null here (reference compatibility)",
        ["blob_folder_name"] = "always null here (reference compatibility)",
        ["blob_path"] = "always null here (reference compatibility)",
        ["blob_written_at"] = "always null here (reference compatibility)",
        ["request_context"] = "always null here (reference compatibility)",
    };

    [Fact]
    public void Every_field_of_the_timepoint_schema_has_a_typed_property_nullable_as_the_contract_says()
    {
        var schema = ContractSchema.Schemas()["Timepoint"]!;

        ContractSchema.Check(
            schema,
            typeof(Timepoint),
            "Timepoint",
            excluded: LeftOut.Keys.ToHashSet(),
            follow: new HashSet<string> { "grounding", "grounding_status" });
        Assert.All(LeftOut.Keys, field => Assert.True(
            schema["properties"]![field] is not null, $"the left-out field {field} is in the schema"));
    }

    [Fact]
    public void Every_left_out_field_is_named_in_CSHARP_md()
    {
        var guide = File.ReadAllText(Path.Combine(ContractSchema.RepoRoot(), "docs", "CSHARP.md"));
        var section = guide[guide.IndexOf("Fields left out.", StringComparison.Ordinal)..];

        Assert.All(LeftOut.Keys, field => Assert.Contains($"`{field}`", section));
    }

    [Fact]
    public async Task A_generated_scene_carries_its_provenance_grounding_and_calendar()
    {
        await using var engine = await _db.CreateEngineAsync();
        var t = await engine.GenerateAsync("signing of the declaration of independence");
        var json = System.Text.Json.Nodes.JsonNode.Parse(t.ToJson())!.AsObject();

        Assert.All(json, field => Assert.True(
            LeftOut.ContainsKey(field.Key) || typeof(Timepoint).GetProperty(ContractSchema.PascalCase(field.Key)) is not null,
            $"the JSON's {field.Key} has a property or is left out"));
        Assert.Equal((string?)json["preset_used"], t.PresetUsed);
        Assert.False(string.IsNullOrEmpty(t.PresetUsed));
        Assert.Equal("offline", t.ModelProvider);
        Assert.Equal((string?)json["text_model_used"], t.TextModelUsed);
        Assert.Equal((string?)json["image_model_used"], t.ImageModelUsed);
        Assert.Equal((string?)json["model_permissiveness"], t.ModelPermissiveness);
        Assert.NotNull(t.ModelPermissiveness);
        Assert.Equal((long?)json["generation_time_ms"], t.GenerationTimeMs);
        Assert.NotNull(t.GenerationTimeMs);
        Assert.Equal((bool)json["generate_image"]!, t.GenerateImage);
        Assert.Null(t.ErrorProviderKind);

        Assert.NotNull(t.Grounding);
        Assert.NotEmpty(t.Grounding!.Facts);
        Assert.NotEmpty(t.Grounding.Participants);
        Assert.Equal(
            json["grounding"]!["sources"]!.AsArray().Select(s => ((string?)s!["title"], (string?)s["url"])),
            t.Grounding.Sources.Select(s => ((string?)s.Title, (string?)s.Url)));
        Assert.Equal((double)json["grounding"]!["confidence"]!, t.Grounding.Confidence);
        Assert.Equal((string?)json["grounding"]!["verified_date"], t.Grounding.VerifiedDate);
        Assert.NotNull(t.GroundingStatus);
        Assert.Equal(GroundingState.Grounded, t.GroundingStatus!.State);
        Assert.Equal((string?)json["grounding_status"]!["mode"], t.GroundingStatus.Mode.ToString().ToLowerInvariant());
        Assert.Equal((string?)json["grounding_status"]!["method"], t.GroundingStatus.Method);
        Assert.Equal((string?)json["grounding_status"]!["provider"], t.GroundingStatus.Provider);

        Assert.Equal((string?)json["calendar"], t.Calendar?.ToString().ToLowerInvariant());
        Assert.NotNull(t.Calendar);
        Assert.Equal((string?)json["region"], t.Region);
        Assert.Equal((string?)json["dual_year"], t.DualYear);
        Assert.NotNull(t.Calendars);
        Assert.Equal((string?)json["calendars"]!["local"]!["display"], t.Calendars!.Display);
        Assert.Equal((long?)json["calendars"]!["jdn"], t.Calendars.Jdn);
        Assert.Equal((string?)json["calendars"]!["weekday"], t.Calendars.Weekday);
        Assert.Equal((int?)json["calendars"]!["gregorian"]?["year"], t.Calendars.Gregorian?.Year);
        Assert.Equal(t, await engine.GetAsync(t.Id));
    }

    [Fact]
    public async Task A_failed_timepoint_carries_its_error_kind_and_step()
    {
        await using var engine = await _db.CreateEngineAsync();
        var error = await Assert.ThrowsAsync<TimepointRejectedException>(
            () => engine.GenerateAsync("how do I bake bread"));

        var t = await engine.GetAsync(error.TimepointId);

        Assert.Equal("rejected", t.ErrorKind);
        Assert.Equal("judge", t.ErrorStep);
    }
}
