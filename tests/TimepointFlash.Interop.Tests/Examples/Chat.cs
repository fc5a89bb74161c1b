// Talk to the people of a scene: list its cast, chat with one character in a saved session, stream an answer,
// extend the dialog and survey the cast. No provider key is set, so the built-in offline engine answers.
using TimepointFlash.Interop;

namespace Examples;

public static class Chat
{
    public static async Task RunAsync(string databaseUrl, TextWriter output, CancellationToken cancellationToken = default)
    {
        await using var engine = await TimepointEngine.CreateAsync(
            new TimepointEngineOptions { DatabaseUrl = databaseUrl, IgnoreEnvironment = true },
            cancellationToken);
        var scene = await engine.GenerateAsync("assassination of julius caesar", cancellationToken: cancellationToken);

        // The cast, each with a role-play prompt that knows nothing after the scene's date.
        var cast = await engine.GetCharactersAsync(scene.Id, cancellationToken);
        foreach (var person in cast)
        {
            output.WriteLine($"{person.Name} ({person.Role}): {person.SpeakingStyle}");
        }

        // A saved conversation: pass the session id back to continue it.
        var who = cast[0].Name;
        var first = await engine.ChatAsync(scene.Id, who, "What is happening here today?", saveSession: true,
            cancellationToken: cancellationToken);
        output.WriteLine($"{first.Character}: {first.Answer}");
        var again = await engine.ChatAsync(scene.Id, who, "What do you fear?", first.SessionId, saveSession: true,
            cancellationToken: cancellationToken);
        var session = await engine.GetSessionAsync(again.SessionId!.Value, cancellationToken);
        output.WriteLine($"Session: {session.Messages.Count} messages");

        // The same answer as it is produced, chunk by chunk.
        output.Write($"{who} (streamed):");
        await foreach (var chunk in engine.StreamChatAsync(scene.Id, who, "Who stands beside you?",
            cancellationToken: cancellationToken))
        {
            output.Write(chunk);
        }
        output.WriteLine();

        // Two more lines of dialog, kept in the scene.
        var more = await engine.ExtendDialogAsync(scene.Id, 2, save: true, cancellationToken: cancellationToken);
        foreach (var line in more.Lines)
        {
            output.WriteLine($"{line.Speaker}: \"{line.Text}\"");
        }

        // One question to the whole cast.
        var survey = await engine.SurveyAsync(scene.Id, ["What will you do tomorrow?"], cancellationToken: cancellationToken);
        foreach (var answer in survey.Answers)
        {
            output.WriteLine($"{answer.Character} [{answer.Sentiment}]: {answer.Response}");
        }

        // A name that is not in the scene: the exception lists the cast.
        try
        {
            await engine.ChatAsync(scene.Id, "Napoleon", "Hello", cancellationToken: cancellationToken);
        }
        catch (CharacterNotFoundException e)
        {
            output.WriteLine($"Not here: {e.Character}; ask one of {string.Join(", ", e.Cast)}");
        }
    }
}
