using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace InteropTests.Support;

/// <summary>
/// An <see cref="IChatClient"/> double that answers every agent of the pipeline with valid JSON, choosing the
/// answer from the step the engine names in the chat options (<c>timepoint_step</c>).
/// It records the agents it answered and the options it was given.
/// </summary>
public class ScriptedChatClient : IChatClient
{
    public const string ModelId = "scripted-model-1";

    private readonly List<string> _agents = new();

    /// <summary>The agents asked, in order (a repair attempt asks the same agent again).</summary>
    public IReadOnlyList<string> Agents
    {
        get { lock (_agents) return _agents.ToList(); }
    }

    /// <summary>Response formats received, one per call.</summary>
    public List<ChatResponseFormat?> Formats { get; } = new();

    /// <summary>The option key under which the engine names the asking step (never the prompt's wording).</summary>
    public const string StepKey = "timepoint_step";

    /// <summary>The agent a request is addressed to: the step the engine names in the chat options.</summary>
    public static string AgentOf(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(StepKey, out var step) == true && step is string name
            ? name
            : throw new InvalidOperationException("the chat options name no step");

    /// <summary>The JSON answer for an agent.</summary>
    public virtual object Answer(string agent) =>
        agent switch
        {
            "judge" => new
            {
                is_valid = true,
                query_type = "historical",
                cleaned_query = "Apollo 11 lunar landing",
                confidence = 0.95,
                reason = (string?)null,
                suggested_query = (string?)null,
                detected_year = 1969,
                detected_location = "Sea of Tranquility",
                detected_figures = new[] { "Neil Armstrong", "Buzz Aldrin" },
            },
            "timeline" => new
            {
                year = 1969,
                month = 7,
                day = 20,
                hour = 20,
                minute = 17,
                season = "summer",
                time_of_day = "evening",
                location = "Tranquility Base, the Moon",
                era = "Space Age",
                historical_context = "The lunar module Eagle has just touched down.",
                is_approximate = false,
                confidence = 0.97,
            },
            "scene" => new
            {
                setting = "The cramped cabin of the lunar module Eagle",
                atmosphere = "Tense relief after a fuel-critical descent",
                lighting = "Harsh sunlight through small triangular windows",
                sensory_details = new[]
                {
                    new { sense = "sound", description = "The hum of cabin fans", intensity = "subtle" },
                    new { sense = "sight", description = "Grey dust settling outside", intensity = "moderate" },
                    new { sense = "touch", description = "Stiff pressure-suit gloves", intensity = "strong" },
                },
                tension_level = "high",
            },
            "characters" => new
            {
                characters = new object[]
                {
                    new { name = "Neil Armstrong", role = "primary", description = "Commander, calm and precise", clothing = "A7L pressure suit", action = "Reporting the landing", speaks_in_scene = true },
                    new { name = "Buzz Aldrin", role = "primary", description = "Lunar module pilot", clothing = "A7L pressure suit", action = "Reading out the checklist", speaks_in_scene = true },
                    new { name = "Charles Duke", role = "secondary", description = "CAPCOM in Houston, heard over the radio", speaks_in_scene = true },
                },
                focal_character = "Neil Armstrong",
            },
            "moment" => new
            {
                plot_summary = "Eagle has landed with seconds of fuel to spare.",
                stakes = "The first crewed landing on another world",
                tension_arc = "climactic",
                emotional_beats = new[] { "relief", "awe" },
            },
            "camera" => new
            {
                shot_type = "medium",
                angle = "eye level",
                focal_point = "Armstrong at the window",
                composition_rule = "rule of thirds",
            },
            "graph" => new
            {
                relationships = new[]
                {
                    new { from_character = "Neil Armstrong", to_character = "Buzz Aldrin", relationship_type = "ally", tension_level = "friendly" },
                },
                factions = new[] { new { name = "Apollo 11", members = new[] { "Neil Armstrong", "Buzz Aldrin" } } },
            },
            "dialog" => new
            {
                lines = new[]
                {
                    new { speaker = "Neil Armstrong", text = "Houston, Tranquility Base here. The Eagle has landed." },
                    new { speaker = "Charles Duke", text = "Roger, Tranquility, we copy you on the ground." },
                    new { speaker = "Buzz Aldrin", text = "Contact light. Engine stop." },
                },
            },
            "critique" => new
            {
                issues = new object[]
                {
                    new { severity = "minor", category = "style", field = "dialog[1]", quote = "Roger, Tranquility, we copy you on the ground.", description = "Radio protocol is abridged." },
                },
                has_critical = false,
                revision_instructions = (string?)null,
            },
            _ => throw new InvalidOperationException($"no answer for {agent}"),
        };

    /// <summary>The text sent back for an agent; override to answer badly.</summary>
    protected virtual Task<string> TextFor(string agent, CancellationToken cancellationToken) =>
        Task.FromResult(JsonSerializer.Serialize(Answer(agent)));

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var agent = AgentOf(options);

        lock (_agents)
        {
            _agents.Add(agent);
            Formats.Add(options?.ResponseFormat);
        }

        var text = await TextFor(agent, cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelId,
            Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 50 },
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}

/// <summary>Answers every agent with prose that holds no JSON object.</summary>
public sealed class GarbageChatClient : ScriptedChatClient
{
    protected override Task<string> TextFor(string agent, CancellationToken cancellationToken) =>
        Task.FromResult("I am sorry, I cannot help with that.");
}

/// <summary>
/// Answers like <see cref="ScriptedChatClient"/> until the agent named <c>blockAt</c> is asked; that call
/// signals <see cref="Blocked"/> and waits on the token until it is cancelled.
/// </summary>
public sealed class BlockingChatClient(string blockAt) : ScriptedChatClient
{
    private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the blocking agent has been asked.</summary>
    public Task Blocked => _blocked.Task;

    protected override async Task<string> TextFor(string agent, CancellationToken cancellationToken)
    {
        if (agent == blockAt)
        {
            _blocked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return await base.TextFor(agent, cancellationToken);
    }
}

/// <summary>Throws an unexpected exception for every agent.</summary>
public sealed class ThrowingChatClient : ScriptedChatClient
{
    protected override Task<string> TextFor(string agent, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the chat client broke");
}

/// <summary>A chat client whose every call fails with an HTTP status, as an HttpClient-based client would.</summary>
public sealed class StatusThrowingChatClient(System.Net.HttpStatusCode status) : ScriptedChatClient
{
    protected override Task<string> TextFor(string agent, CancellationToken cancellationToken) =>
        throw new HttpRequestException("the upstream said no", null, status);
}
