// A complete program: generate a scene while watching its progress, read it back, travel one day later,
// and handle a rejected request. No provider key is set, so the built-in offline engine answers.
using TimepointFlash.Interop;

namespace Examples;

public static class QuickStart
{
    public static async Task RunAsync(string databaseUrl, TextWriter output, CancellationToken cancellationToken = default)
    {
        await using var engine = await TimepointEngine.CreateAsync(
            new TimepointEngineOptions { DatabaseUrl = databaseUrl, IgnoreEnvironment = true },
            cancellationToken);
        output.WriteLine($"Engine: {engine.EngineName}");

        // Stream the steps as they run; the last item is Done and carries the new timepoint's id.
        Guid? id = null;
        await foreach (var step in engine.StreamAsync("assassination of julius caesar", cancellationToken: cancellationToken))
        {
            output.WriteLine($"{step.Percent,3}% {step.Step} {step.State}");
            if (step.State == StepState.Done)
            {
                id = step.TimepointId;
            }
        }

        Timepoint scene = await engine.GetAsync(id!.Value, cancellationToken);
        output.WriteLine($"{scene.DisplayDate} at {scene.Location}");
        foreach (var character in scene.Characters)
        {
            output.WriteLine($"  {character.Name} ({character.Role})");
        }

        foreach (var line in scene.Dialog)
        {
            output.WriteLine($"  {line.Speaker}: \"{line.Text}\"");
        }

        // Time travel: the same place and people, one day later, linked to the source by ParentId.
        Timepoint nextDay = await engine.NextAsync(scene.Id, 1, TravelUnit.Day, cancellationToken: cancellationToken);
        output.WriteLine($"Next: {nextDay.DisplayDate} (from {nextDay.ParentId})");

        // A request that names no moment in time is rejected, with a query that would work.
        try
        {
            await engine.GenerateAsync("how do I bake bread", cancellationToken: cancellationToken);
        }
        catch (TimepointRejectedException rejected)
        {
            output.WriteLine($"Rejected: {rejected.Reason} Try: {rejected.SuggestedQuery}");
        }
    }
}
