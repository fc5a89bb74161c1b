namespace TimepointFlash.Client.Tests;

/// <summary>The generated client talks to the people of a scene: it sends every optional field it does not set as
/// null and enum values as member names (<c>Auto</c>, <c>Sequential</c>), which the server reads like the documented
/// spelling.</summary>
public sealed class InteractionClientTests(LiveServer server) : IClassFixture<LiveServer>
{
    private readonly TimepointFlashClient _client = server.Client();

    private async Task<Timepoint> Scene() =>
        await _client.GenerateSyncAsync(new GenerateRequest { Query = "signing of the declaration of independence" });

    [Fact]
    public async Task A_chat_is_answered_in_character_and_its_saved_session_is_listed_read_and_deleted()
    {
        var t = await Scene();
        var first = await _client.ChatAsync(t.Id, new ChatRequest
        {
            Character = "John Adams",
            Message = "What are you signing today?",
            Save_session = true,
        });
        Assert.Equal("John Adams", first.Character_name);
        Assert.Contains("1776", first.Response);
        Assert.NotNull(first.Session_id);

        var second = await _client.ChatAsync(t.Id, new ChatRequest
        {
            Character = "John Adams",
            Message = "And who signs first?",
            Session_id = first.Session_id.ToString(),
            Save_session = true,
            Response_format = ChatRequestResponse_format.Structured,
        });
        Assert.Equal(first.Session_id, second.Session_id);

        var session = await _client.GetChatSessionAsync(first.Session_id!.Value);
        Assert.Equal(4, session.Messages.Count);
        Assert.Equal(SessionMessageRole.User, session.Messages.First().Role);
        Assert.Equal("And who signs first?", session.Messages.ElementAt(2).Content);

        var list = await _client.ListChatSessionsAsync(t.Id);
        Assert.Contains(list.Sessions, s => s.Id == first.Session_id && s.Message_count == 4);

        var deleted = await _client.DeleteChatSessionAsync(first.Session_id.Value);
        Assert.True(deleted.Deleted);
        var e = await Assert.ThrowsAsync<ApiException<Problem>>(() => _client.GetChatSessionAsync(first.Session_id.Value));
        Assert.Equal(404, e.StatusCode);
    }

    [Fact]
    public async Task A_chat_with_someone_not_in_the_scene_is_a_typed_404_naming_the_cast()
    {
        var t = await Scene();
        var e = await Assert.ThrowsAsync<ApiException<Problem>>(() =>
            _client.ChatAsync(t.Id, new ChatRequest { Character = "Napoleon", Message = "hello" }));
        Assert.Equal(404, e.StatusCode);
        Assert.Contains("John Adams", e.Result.Detail);
    }

    [Fact]
    public async Task The_dialog_is_extended_and_saved_to_the_scene()
    {
        var t = await Scene();
        var before = t.Dialog.Count;
        var answer = await _client.ExtendDialogAsync(t.Id, new DialogRequest
        {
            Num_lines = 2,
            Prompt = "They argue about who signs first",
            Save = true,
        });
        Assert.Equal(2, answer.Dialog.Count);
        Assert.True(answer.Saved);
        var after = await _client.GetTimepointAsync(t.Id, full: true, include_image: null);
        Assert.Equal(before + 2, after.Dialog.Count);
    }

    [Fact]
    public async Task A_chained_survey_answers_every_question_for_each_character_with_a_summary()
    {
        var t = await Scene();
        var result = await _client.SurveyAsync(t.Id, new SurveyRequest
        {
            Questions = ["What do you fear most today?", "What will you tell your family?"],
            Mode = SurveyRequestMode.Sequential,
            Chain_prompts = true,
        });
        Assert.Equal(t.Id, result.Timepoint_id);
        Assert.Equal(2, result.Questions.Count);
        Assert.Equal(2 * result.Total_characters, result.Responses.Count);
        Assert.Equal(SurveyResultMode.Sequential, result.Mode);
        Assert.False(string.IsNullOrWhiteSpace(result.Summary));
    }

    [Fact]
    public async Task A_dialog_among_two_chosen_characters_has_only_their_lines()
    {
        var t = await Scene();
        var chosen = t.Characters!.Characters.Select(c => c.Name).Take(2).ToList();
        Assert.True(t.Characters.Characters.Count > 2, "the scene has someone left out");
        var answer = await _client.ExtendDialogAsync(t.Id, new DialogRequest { Characters = chosen, Num_lines = 4 });
        Assert.Equal(4, answer.Dialog.Count);
        Assert.Subset(chosen.ToHashSet(), answer.Characters_involved.ToHashSet());
        Assert.All(answer.Dialog, line => Assert.Contains(line.Speaker, chosen));
    }

    [Fact]
    public async Task A_survey_of_one_chosen_character_answers_only_for_that_character()
    {
        var t = await Scene();
        var name = t.Characters!.Characters.Last().Name;
        var result = await _client.SurveyAsync(t.Id, new SurveyRequest
        {
            Characters = [name],
            Questions = ["What do you fear most today?"],
        });
        Assert.Equal(1, result.Total_characters);
        var answer = Assert.Single(result.Responses);
        Assert.Equal(name, answer.Character_name);
    }
}
