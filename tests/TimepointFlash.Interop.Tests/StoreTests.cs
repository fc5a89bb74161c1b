using TimepointFlash.Interop;
using InteropTests.Support;

namespace InteropTests;

public sealed class StoreTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_scene_is_read_back_by_id_and_by_slug()
    {
        await using var engine = await _db.CreateEngineAsync();
        var scene = await engine.GenerateAsync("signing of the declaration of independence");

        var byId = await engine.GetAsync(scene.Id);
        var bySlug = await engine.GetBySlugAsync(scene.Slug);

        Assert.Equal(scene.Id, byId.Id);
        Assert.Equal(scene.Id, bySlug.Id);
        Assert.Equal(scene.DisplayDate, byId.DisplayDate);
        Assert.Equal(scene.Characters.Select(c => c.Name), byId.Characters.Select(c => c.Name));
        Assert.Equal(scene.Dialog.Select(l => l.Text), bySlug.Dialog.Select(l => l.Text));
        Assert.Equal(scene.ToJson(), byId.ToJson());
    }

    [Fact]
    public async Task The_list_counts_every_scene_and_pages_newest_first()
    {
        await using var engine = await _db.CreateEngineAsync();
        var first = await engine.GenerateAsync("signing of the declaration of independence");
        var second = await engine.GenerateAsync("assassination of julius caesar");
        await Assert.ThrowsAsync<TimepointRejectedException>(() => engine.GenerateAsync("how do I bake bread"));

        var page1 = await engine.ListAsync(page: 1, pageSize: 2);
        var page2 = await engine.ListAsync(page: 2, pageSize: 2);

        Assert.Equal(3, page1.Total);
        Assert.Equal(1, page1.Page);
        Assert.Equal(2, page1.PageSize);
        Assert.Equal(2, page1.Items.Count);
        Assert.Single(page2.Items);
        Assert.Equal(first.Id, page2.Items[0].Id);
        Assert.Contains(second.Id, page1.Items.Select(t => t.Id));
    }

    [Fact]
    public async Task A_deleted_scene_is_gone()
    {
        await using var engine = await _db.CreateEngineAsync();
        var scene = await engine.GenerateAsync("assassination of julius caesar");

        await engine.DeleteAsync(scene.Id);

        var error = await Assert.ThrowsAsync<TimepointNotFoundException>(() => engine.GetAsync(scene.Id));
        Assert.Equal(scene.Id.ToString(), error.Key);
        await Assert.ThrowsAsync<TimepointNotFoundException>(() => engine.GetBySlugAsync(scene.Slug));
        Assert.Equal(0, (await engine.ListAsync()).Total);
    }

    [Fact]
    public async Task A_soft_deleted_scene_can_be_deleted_again_and_then_for_good()
    {
        await using var engine = await _db.CreateEngineAsync();
        var scene = await engine.GenerateAsync("assassination of julius caesar");

        await engine.DeleteAsync(scene.Id);
        await engine.DeleteAsync(scene.Id);
        await engine.DeleteAsync(scene.Id, permanent: true);

        await Assert.ThrowsAsync<TimepointNotFoundException>(() => engine.DeleteAsync(scene.Id));
        await Assert.ThrowsAsync<TimepointNotFoundException>(() => engine.DeleteAsync(scene.Id, permanent: true));
    }

    [Fact]
    public async Task Scenes_outlive_the_engine_that_made_them()
    {
        Guid id;
        await using (var engine = await _db.CreateEngineAsync())
        {
            id = (await engine.GenerateAsync("assassination of julius caesar")).Id;
        }

        await using var reopened = await _db.CreateEngineAsync();
        Assert.Equal(-44, (await reopened.GetAsync(id)).Year);
    }

    [Theory]
    [InlineData(0, 20, "page")]
    [InlineData(1, 0, "pageSize")]
    [InlineData(1, 101, "pageSize")]
    public async Task Listing_outside_the_limits_is_an_argument_error(int page, int pageSize, string parameter)
    {
        await using var engine = await _db.CreateEngineAsync();

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.ListAsync(page: page, pageSize: pageSize));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public async Task A_disposed_engine_refuses_work()
    {
        var engine = await _db.CreateEngineAsync();
        await engine.DisposeAsync();
        engine.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.ListAsync());
    }
}
