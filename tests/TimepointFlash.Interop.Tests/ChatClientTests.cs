using Microsoft.Extensions.AI;
using TimepointFlash.Interop;
using InteropTests.Support;

namespace InteropTests;

public sealed class ChatClientTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_custom_chat_client_drives_a_full_generation_and_reports_its_model()
    {
        var client = new ScriptedChatClient();
        await using var engine = await _db.CreateEngineAsync(client);
        var progress = new ProgressLog();

        var scene = await engine.GenerateAsync("moon landing", progress: progress);

        Assert.False(engine.IsOffline);
        Assert.Equal("custom", engine.EngineName);
        Assert.Equal(TimepointStatus.Completed, scene.Status);
        Assert.Equal((1969, 7, 20), (scene.Year!.Value, scene.Month!.Value, scene.Day!.Value));
        Assert.Equal("Tranquility Base, the Moon", scene.Location);
        Assert.Equal(new[] { "Neil Armstrong", "Buzz Aldrin", "Charles Duke" }, scene.Characters.Select(c => c.Name));
        Assert.Equal("A7L pressure suit", scene.Characters[0].Clothing);
        Assert.Null(scene.Characters[2].Clothing);
        Assert.Equal("Houston, Tranquility Base here. The Eagle has landed.", scene.Dialog[0].Text);
        Assert.Equal("Eagle has landed with seconds of fuel to spare.", scene.Plot);
        var rel = Assert.Single(scene.Relationships);
        Assert.Equal(("Neil Armstrong", "Buzz Aldrin", "ally", "friendly"), (rel.From, rel.To, rel.Type, rel.Tension));
        var issue = Assert.Single(scene.Review);
        Assert.Equal(("minor", "style", "dialog[1]"), (issue.Severity, issue.Category, issue.Field));
        Assert.False(scene.DialogRevised);

        Assert.Equal(
            new[] { "camera", "characters", "critique", "dialog", "graph", "grounding", "judge", "moment", "scene", "timeline" },
            client.Agents.OrderBy(a => a, StringComparer.Ordinal));
        var modelSteps = progress.Reports.Where(r => r.State == StepState.Completed && r.Step != "image_prompt").ToList();
        Assert.Equal(9, modelSteps.Count);
        Assert.All(modelSteps, r =>
        {
            Assert.Equal(ScriptedChatClient.ModelId, r.Model);
            Assert.Equal("chat-client", r.Provider);
        });
    }

    [Fact]
    public async Task Every_request_asks_for_json_with_the_steps_schema()
    {
        var client = new ScriptedChatClient();
        await using var engine = await _db.CreateEngineAsync(client);

        await engine.GenerateAsync("moon landing");

        Assert.All(client.Formats, f => Assert.IsType<ChatResponseFormatJson>(f));
        Assert.All(client.Formats, f => Assert.NotNull(((ChatResponseFormatJson)f!).Schema));
    }
}
