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
