using TimepointFlash.Interop;
using InteropTests.Support;

namespace InteropTests;

public sealed class InteractionTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task The_cast_of_a_scene_has_voices_and_a_role_play_prompt_dated_to_the_scene()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");

        var cast = await engine.GetCharactersAsync(caesar.Id);

        Assert.NotEmpty(cast);
        Assert.Equal(caesar.Characters.Select(c => c.Name), cast.Select(c => c.Name));
        Assert.All(cast, c => Assert.Contains(c.Name, c.SystemPrompt));
        Assert.All(cast, c => Assert.Contains("44 BCE", c.SystemPrompt));
    }

    [Fact]
    public async Task A_saved_chat_answers_in_character_and_is_resumed_from_its_session()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");
        var who = caesar.Characters[0].Name;

        var first = await engine.ChatAsync(caesar.Id, who, "What is happening here today?", saveSession: true);
        Assert.Equal(who, first.Character);
        Assert.False(string.IsNullOrWhiteSpace(first.Answer));
        Assert.NotNull(first.SessionId);

        var second = await engine.ChatAsync(caesar.Id, who, "And who stands beside you?", first.SessionId, true);
        Assert.Equal(first.SessionId, second.SessionId);

        var session = await engine.GetSessionAsync(first.SessionId!.Value);
        Assert.Equal(4, session.Messages.Count);
        Assert.Equal(["user", "character", "user", "character"], session.Messages.Select(m => m.Role));
        Assert.Equal(first.Answer, session.Messages[1].Content);
        Assert.Equal(second.Answer, session.Messages[3].Content);

        var listed = Assert.Single(await engine.ListSessionsAsync(caesar.Id));
        Assert.Equal((session.Id, who, 4), (listed.Id, listed.Character, listed.MessageCount));

        await engine.DeleteSessionAsync(session.Id);
        Assert.Empty(await engine.ListSessionsAsync(caesar.Id));
        await Assert.ThrowsAsync<ChatSessionNotFoundException>(() => engine.GetSessionAsync(session.Id));
        await Assert.ThrowsAsync<ChatSessionNotFoundException>(() => engine.DeleteSessionAsync(session.Id));
    }

    [Fact]
    public async Task An_unsaved_chat_stores_nothing_and_a_structured_one_has_key_points()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");
        var who = caesar.Characters[0].Name;

        var reply = await engine.ChatAsync(caesar.Id, who, "Tell me what you saw.", format: ChatFormat.Structured);

        Assert.Null(reply.SessionId);
        Assert.NotEmpty(reply.KeyPoints);
        Assert.Empty(await engine.ListSessionsAsync(caesar.Id));
    }

    [Fact]
    public async Task The_streamed_chat_yields_chunks_that_join_into_the_answer_and_saves_the_session()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");
        var who = caesar.Characters[0].Name;

        var chunks = new List<string>();
        await foreach (var chunk in engine.StreamChatAsync(caesar.Id, who, "What is happening here today?", saveSession: true))
            chunks.Add(chunk);

        Assert.True(chunks.Count > 1);
        var stored = Assert.Single(await engine.ListSessionsAsync(caesar.Id));
        var session = await engine.GetSessionAsync(stored.Id);
        Assert.Equal(string.Concat(chunks).Trim(), session.Messages[1].Content.Trim());
    }

    [Fact]
    public async Task Leaving_the_chat_stream_early_or_cancelling_it_stops_it()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");
        var who = caesar.Characters[0].Name;

        await foreach (var _ in engine.StreamChatAsync(caesar.Id, who, "Speak."))
            break;

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in engine.StreamChatAsync(caesar.Id, who, "Speak.", cancellationToken: cts.Token)) { }
        });
    }

    [Fact]
    public async Task Interaction_errors_are_typed()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");

        var missing = Guid.NewGuid();
        await Assert.ThrowsAsync<TimepointNotFoundException>(() => engine.GetCharactersAsync(missing));
        await Assert.ThrowsAsync<TimepointNotFoundException>(() => engine.ChatAsync(missing, "Brutus", "Hello"));

        var nobody = await Assert.ThrowsAsync<CharacterNotFoundException>(() => engine.ChatAsync(caesar.Id, "Napoleon", "Hello"));
        Assert.Equal("Napoleon", nobody.Character);
        Assert.Equal(caesar.Characters.Select(c => c.Name), nobody.Cast);

        await Assert.ThrowsAsync<CharacterNotFoundException>(async () =>
        {
            await foreach (var _ in engine.StreamChatAsync(caesar.Id, "Napoleon", "Hello")) { }
        });
        await Assert.ThrowsAsync<ChatSessionNotFoundException>(() =>
            engine.ChatAsync(caesar.Id, caesar.Characters[0].Name, "Hello", Guid.NewGuid(), true));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.ChatAsync(caesar.Id, caesar.Characters[0].Name, " "));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.ExtendDialogAsync(caesar.Id, 11));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.SurveyAsync(caesar.Id, []));

        var rejected = await Assert.ThrowsAsync<TimepointRejectedException>(() => engine.GenerateAsync("how do I bake bread"));
        var failed = rejected.TimepointId;
        var notDone = await Assert.ThrowsAsync<TimepointNotCompletedException>(() => engine.GetCharactersAsync(failed));
        Assert.Equal(TimepointStatus.Failed, notDone.Status);
    }

    [Fact]
    public async Task Extending_the_dialog_with_save_appends_the_lines_to_the_scene()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");
        var before = caesar.Dialog.Count;

        var unsaved = await engine.ExtendDialogAsync(caesar.Id, 2);
        Assert.Equal(2, unsaved.Lines.Count);
        Assert.False(unsaved.Saved);
        Assert.Equal(before, (await engine.GetAsync(caesar.Id)).Dialog.Count);

        var saved = await engine.ExtendDialogAsync(caesar.Id, 3, prompt: "They speak of the senate", save: true);
        Assert.Equal(3, saved.Lines.Count);
        Assert.True(saved.Saved);
        var after = await engine.GetAsync(caesar.Id);
        Assert.Equal(saved.Lines, after.Dialog.Skip(after.Dialog.Count - 3));
    }

    [Fact]
    public async Task A_chained_survey_asks_every_character_every_question()
    {
        await using var engine = await _db.CreateEngineAsync();
        var caesar = await engine.GenerateAsync("assassination of julius caesar");
        var asked = caesar.Characters.Take(3).Select(c => c.Name).ToList();
        string[] questions = ["What do you fear?", "What will you do tomorrow?"];

        var survey = await engine.SurveyAsync(caesar.Id, questions, asked, chain: true);

        Assert.True(survey.Chained);
        Assert.Equal(asked.Count, survey.TotalCharacters);
        Assert.Equal(asked.Count * 2, survey.Answers.Count);
        Assert.Equal(
            asked.SelectMany(_ => questions).OrderBy(q => q),
            survey.Answers.Select(a => a.Question).OrderBy(q => q));
        Assert.All(survey.Answers, a => Assert.False(string.IsNullOrWhiteSpace(a.Response)));
        Assert.Equal(survey, survey with { });
    }
}
