using TimepointFlash.Interop;
using InteropTests.Support;

namespace InteropTests;

public sealed class TimeTravelTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task One_day_after_Caesars_assassination_is_March_16_44_BCE_linked_to_its_source()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");
        Assert.Equal((-44, 3, 15), (caesar.Year!.Value, caesar.Month!.Value, caesar.Day!.Value));
        Assert.StartsWith("March 15, 44 BCE", caesar.DisplayDate);

        var progress = new ProgressLog();
        var next = await engine.NextAsync(caesar.Id, 1, TravelUnit.Day, progress);

        Assert.Equal(TimepointStatus.Completed, next.Status);
        Assert.Equal(caesar.Id, next.ParentId);
        Assert.Equal((-44, 3, 16), (next.Year!.Value, next.Month!.Value, next.Day!.Value));
        Assert.StartsWith("March 16, 44 BCE", next.DisplayDate);
        Assert.Equal(caesar.Location, next.Location);
        Assert.Equal(11, progress.Reports.Count(r => r.State == StepState.Completed));
    }

    [Fact]
    public async Task Travel_defaults_to_one_day_and_prior_goes_back()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");

        var dayBefore = await engine.PriorAsync(caesar.Id);
        var yearBefore = await engine.PriorAsync(caesar.Id, 1, TravelUnit.Year);

        Assert.Equal((-44, 3, 14), (dayBefore.Year!.Value, dayBefore.Month!.Value, dayBefore.Day!.Value));
        Assert.Equal((-45, 3, 15), (yearBefore.Year!.Value, yearBefore.Month!.Value, yearBefore.Day!.Value));
        Assert.Equal(caesar.Id, dayBefore.ParentId);
        Assert.Equal(caesar.Id, yearBefore.ParentId);
    }

    [Fact]
    public async Task Travelling_from_an_unknown_id_throws_TimepointNotFoundException()
    {
        await using var engine = await _db.CreateEngineAsync();
        var missing = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<TimepointNotFoundException>(() => engine.NextAsync(missing));
        Assert.Equal(missing.ToString(), error.Key);
    }

    [Fact]
    public async Task Travelling_from_a_failed_scene_throws_TimeTravelException()
    {
        await using var engine = await _db.CreateEngineAsync();
        var rejected = await Assert.ThrowsAsync<TimepointRejectedException>(
            () => engine.GenerateAsync("how do I bake bread"));

        var error = await Assert.ThrowsAsync<TimeTravelException>(() => engine.NextAsync(rejected.TimepointId));
        Assert.Contains("not completed", error.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(366)]
    public async Task Travel_is_1_to_365_units(int units)
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => engine.NextAsync(caesar.Id, units, TravelUnit.Hour));
        Assert.Equal("units", error.ParamName);
    }
}
