using System;

namespace TimepointFlash.Interop;

/// <summary>One person of a completed scene, ready to be talked to.</summary>
public sealed record CastMember
{
    /// <summary>The character's name (what ChatAsync takes).</summary>
    public string Name { get; init; } = "";
    /// <summary>"primary", "secondary" or "background".</summary>
    public string Role { get; init; } = "";
    /// <summary>Physical description.</summary>
    public string Description { get; init; } = "";
    /// <summary>Personality, or null.</summary>
    public string? Personality { get; init; }
    /// <summary>How they speak, or null.</summary>
    public string? SpeakingStyle { get; init; }
    /// <summary>Notes on their voice, or null.</summary>
    public string? VoiceNotes { get; init; }
    /// <summary>Their emotional state at the moment of the scene, or null.</summary>
    public string? EmotionalState { get; init; }
    /// <summary>Birth year when known (negative for BCE), or null.</summary>
    public int? BirthYear { get; init; }
    /// <summary>Death year when known (negative for BCE), or null.</summary>
    public int? DeathYear { get; init; }
    /// <summary>The role-play system prompt built from the scene (date, place, what they can and cannot know).</summary>
    public string SystemPrompt { get; init; } = "";
}

/// <summary>How a chat answer is asked for.</summary>
public enum ChatFormat
{
    /// <summary>Plain speech.</summary>
    Text = 0,
    /// <summary>Speech with emotional tone, key points and confidence.</summary>
    Structured = 1,
    /// <summary>The best the model can do.</summary>
    Auto = 2,
}

/// <summary>A character's answer to a chat message.</summary>
public sealed record ChatReply
{
    /// <summary>The character who answered.</summary>
    public string Character { get; init; } = "";
    /// <summary>What they said.</summary>
    public string Answer { get; init; } = "";
    /// <summary>The emotional tone of the answer.</summary>
    public string Tone { get; init; } = "";
    /// <summary>Key points of the answer (empty unless asked for structured answers).</summary>
    public ValueList<string> KeyPoints { get; init; } = ValueList<string>.Empty;
    /// <summary>The model's confidence 0–1, or null.</summary>
    public double? Confidence { get; init; }
    /// <summary>The session the exchange was stored in, or null when none was.</summary>
    public Guid? SessionId { get; init; }
    /// <summary>The model that answered.</summary>
    public string Model { get; init; } = "";
    /// <summary>How long the answer took, in milliseconds.</summary>
    public long LatencyMs { get; init; }
}

/// <summary>Lines added to a scene's dialog.</summary>
public sealed record DialogExtension
{
    /// <summary>The new lines, in order.</summary>
    public ValueList<DialogLineInfo> Lines { get; init; } = ValueList<DialogLineInfo>.Empty;
    /// <summary>What the lines continue from.</summary>
    public string Context { get; init; } = "";
    /// <summary>The characters who speak in them.</summary>
    public ValueList<string> CharactersInvolved { get; init; } = ValueList<string>.Empty;
    /// <summary>True when the lines were appended to the stored dialog.</summary>
    public bool Saved { get; init; }
    /// <summary>How long it took, in milliseconds.</summary>
    public long LatencyMs { get; init; }
}

/// <summary>One character's answer to one survey question.</summary>
public sealed record SurveyAnswer
{
    /// <summary>Who answered.</summary>
    public string Character { get; init; } = "";
    /// <summary>The question.</summary>
    public string Question { get; init; } = "";
    /// <summary>The answer.</summary>
    public string Response { get; init; } = "";
    /// <summary>positive, negative, neutral or mixed.</summary>
    public string Sentiment { get; init; } = "";
    /// <summary>Key points of the answer.</summary>
    public ValueList<string> KeyPoints { get; init; } = ValueList<string>.Empty;
    /// <summary>The emotional tone.</summary>
    public string Tone { get; init; } = "";
}

/// <summary>A survey's result: the same questions to several characters.</summary>
public sealed record SurveyResult
{
    /// <summary>The surveyed timepoint.</summary>
    public Guid TimepointId { get; init; }
    /// <summary>The questions, in order.</summary>
    public ValueList<string> Questions { get; init; } = ValueList<string>.Empty;
    /// <summary>The answers, by character then question.</summary>
    public ValueList<SurveyAnswer> Answers { get; init; } = ValueList<SurveyAnswer>.Empty;
    /// <summary>A summary across the characters, or null.</summary>
    public string? Summary { get; init; }
    /// <summary>True when each character saw the earlier answers (chained).</summary>
    public bool Chained { get; init; }
    /// <summary>How many characters were asked.</summary>
    public int TotalCharacters { get; init; }
    /// <summary>How long it took, in milliseconds.</summary>
    public long LatencyMs { get; init; }
}

/// <summary>One message of a chat session.</summary>
public sealed record ChatMessage
{
    /// <summary>"user" or "character".</summary>
    public string Role { get; init; } = "";
    /// <summary>The text.</summary>
    public string Content { get; init; } = "";
    /// <summary>The character who spoke, or null for the user.</summary>
    public string? Character { get; init; }
    /// <summary>When it was stored.</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>A stored conversation with one character of one timepoint.</summary>
public sealed record ChatSession
{
    /// <summary>The session's id.</summary>
    public Guid Id { get; init; }
    /// <summary>The timepoint.</summary>
    public Guid TimepointId { get; init; }
    /// <summary>The character.</summary>
    public string Character { get; init; } = "";
    /// <summary>The messages, in the order they were stored.</summary>
    public ValueList<ChatMessage> Messages { get; init; } = ValueList<ChatMessage>.Empty;
    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When a message was last added.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A chat session in a listing.</summary>
public sealed record ChatSessionSummary
{
    /// <summary>The session's id.</summary>
    public Guid Id { get; init; }
    /// <summary>The timepoint.</summary>
    public Guid TimepointId { get; init; }
    /// <summary>The character.</summary>
    public string Character { get; init; } = "";
    /// <summary>How many messages it holds.</summary>
    public int MessageCount { get; init; }
    /// <summary>The start of the last message, or null.</summary>
    public string? LastPreview { get; init; }
    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When a message was last added.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
