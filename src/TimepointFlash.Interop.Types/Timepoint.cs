using System;

namespace TimepointFlash.Interop;

/// <summary>A generated scene: an immutable record (value equality, <c>ToString</c>, <c>with</c>) with a typed
/// property for every field of its JSON.</summary>
public sealed record Timepoint
{
    /// <summary>Unique id.</summary>
    public Guid Id { get; init; }
    /// <summary>The query as asked.</summary>
    public string Query { get; init; } = "";
    /// <summary>Readable unique address, e.g. "rome-50-bce".</summary>
    public string Slug { get; init; } = "";
    /// <summary>Pending, processing, completed or failed.</summary>
    public TimepointStatus Status { get; init; }
    /// <summary>Historical year (negative = BCE, never 0), or null.</summary>
    public int? Year { get; init; }
    /// <summary>Month 1–12, or null.</summary>
    public int? Month { get; init; }
    /// <summary>Day of month, or null.</summary>
    public int? Day { get; init; }
    /// <summary>Hour 0–23, or null.</summary>
    public int? Hour { get; init; }
    /// <summary>Minute 0–59, or null.</summary>
    public int? Minute { get; init; }
    /// <summary>Second 0–59, or null.</summary>
    public int? Second { get; init; }
    /// <summary>spring, summer, fall or winter, or null.</summary>
    public string? Season { get; init; }
    /// <summary>Part of the day ("afternoon"), or null.</summary>
    public string? TimeOfDay { get; init; }
    /// <summary>"March 15, 44 BCE", or null.</summary>
    public string? DisplayDate { get; init; }
    /// <summary>Where the scene happens, or null.</summary>
    public string? Location { get; init; }
    /// <summary>The era, or null.</summary>
    public string? Era { get; init; }
    /// <summary>The physical setting, or null.</summary>
    public string? Setting { get; init; }
    /// <summary>The atmosphere, or null.</summary>
    public string? Atmosphere { get; init; }
    /// <summary>The weather, or null.</summary>
    public string? Weather { get; init; }
    /// <summary>The lighting, or null.</summary>
    public string? Lighting { get; init; }
    /// <summary>The scene's tension level, or null.</summary>
    public string? TensionLevel { get; init; }
    /// <summary>What happens, or null.</summary>
    public string? Plot { get; init; }
    /// <summary>What is at stake, or null.</summary>
    public string? Stakes { get; init; }
    /// <summary>The dramatic moment, or null.</summary>
    public MomentInfo? Moment { get; init; }
    /// <summary>The people present (empty when none).</summary>
    public ValueList<CharacterInfo> Characters { get; init; } = ValueList<CharacterInfo>.Empty;
    /// <summary>The dialog (empty when none).</summary>
    public ValueList<DialogLineInfo> Dialog { get; init; } = ValueList<DialogLineInfo>.Empty;
    /// <summary>Relationships between characters (empty when none).</summary>
    public ValueList<RelationshipInfo> Relationships { get; init; } = ValueList<RelationshipInfo>.Empty;
    /// <summary>Factions among the characters (empty when none).</summary>
    public ValueList<FactionInfo> Factions { get; init; } = ValueList<FactionInfo>.Empty;
    /// <summary>The central conflict of the relationship graph, or null.</summary>
    public string? CentralConflict { get; init; }
    /// <summary>Issues the historical review found (empty when none, or when the review was off or failed).</summary>
    public ValueList<ReviewIssueInfo> Review { get; init; } = ValueList<ReviewIssueInfo>.Empty;
    /// <summary>True when a critical review issue made the dialog be written again.</summary>
    public bool DialogRevised { get; init; }
    /// <summary>One-line camera description, or null.</summary>
    public string? Camera { get; init; }
    /// <summary>How the scene is framed, or null.</summary>
    public CameraInfo? CameraDetails { get; init; }
    /// <summary>The image prompt, or null.</summary>
    public string? ImagePrompt { get; init; }
    /// <summary>True when an image is stored.</summary>
    public bool HasImage { get; init; }
    /// <summary>Why the image could not be made, or null.</summary>
    public string? ImageError { get; init; }
    /// <summary>Why the generation failed, or null.</summary>
    public string? Error { get; init; }
    /// <summary>rejected, invalid_output, provider, storage, cancelled or interrupted; null unless failed.</summary>
    public string? ErrorKind { get; init; }
    /// <summary>The step that failed, or null.</summary>
    public string? ErrorStep { get; init; }
    /// <summary>A better query when the judge rejected this one, or null.</summary>
    public string? SuggestedQuery { get; init; }
    /// <summary>The scene this one was travelled from, or null.</summary>
    public Guid? ParentId { get; init; }
    /// <summary>"julian" or "gregorian" as an enum: the calendar the place wrote the date in; null without a date.</summary>
    public CalendarSystem? Calendar { get; init; }
    /// <summary>The calendar region's id (e.g. "england"), or null without a date.</summary>
    public string? Region { get; init; }
    /// <summary>A dual year such as "1750/51" where the year began on another day, or null.</summary>
    public string? DualYear { get; init; }
    /// <summary>The date in other calendars, or null without a date.</summary>
    public CalendarsInfo? Calendars { get; init; }
    /// <summary>What grounding verified about a real event, or null.</summary>
    public GroundingInfo? Grounding { get; init; }
    /// <summary>How grounding went (mode, state, provider, method, reason, queries), or null.</summary>
    public GroundingStatusInfo? GroundingStatus { get; init; }
    /// <summary>True when an image was asked for.</summary>
    public bool GenerateImage { get; init; }
    /// <summary>The provider failure's kind (e.g. rate_limited, auth) when a provider failed, or null.</summary>
    public string? ErrorProviderKind { get; init; }
    /// <summary>The preset the generation ran with, or null.</summary>
    public string? PresetUsed { get; init; }
    /// <summary>The text model that answered, or null.</summary>
    public string? TextModelUsed { get; init; }
    /// <summary>The image model that answered, or null.</summary>
    public string? ImageModelUsed { get; init; }
    /// <summary>The provider of the models, or null.</summary>
    public string? ModelProvider { get; init; }
    /// <summary>The text model's permissiveness class, or null without provenance.</summary>
    public string? ModelPermissiveness { get; init; }
    /// <summary>How long the generation took, or null.</summary>
    public long? GenerationTimeMs { get; init; }
    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    internal string Json { get; init; } = "{}";

    /// <summary>The stored timepoint this record was read from, in the API's JSON shape (a copy made with
    /// <c>with</c> keeps the original's JSON).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => Json;
}

/// <summary>Progress of a generation. Percent runs 0–100 and never decreases; the last report of a run is step
/// "complete" with State Done, Percent 100 and the TimepointId.</summary>
public sealed record StepProgress
{
    /// <summary>Step name: judge, timeline, scene, characters, moment, camera, graph, dialog, critique,
    /// image_prompt, image_generation, or "complete" for the last report.</summary>
    public string Step { get; init; } = "";
    /// <summary>Started, completed, failed, or done.</summary>
    public StepState State { get; init; }
    /// <summary>0–100, never decreasing.</summary>
    public int Percent { get; init; }
    /// <summary>How long the step took, or null.</summary>
    public long? LatencyMs { get; init; }
    /// <summary>Model that answered, or null.</summary>
    public string? Model { get; init; }
    /// <summary>Provider that answered, or null.</summary>
    public string? Provider { get; init; }
    /// <summary>Why the step failed, or null.</summary>
    public string? Error { get; init; }
    /// <summary>Set on the final Done report.</summary>
    public Guid? TimepointId { get; init; }
}

/// <summary>One page of a listing.</summary>
public sealed record TimepointPage
{
    /// <summary>Timepoints on this page, newest first.</summary>
    public ValueList<Timepoint> Items { get; init; } = ValueList<Timepoint>.Empty;
    /// <summary>Matching timepoints in all pages.</summary>
    public long Total { get; init; }
    /// <summary>Page number from 1.</summary>
    public int Page { get; init; }
    /// <summary>Items per page.</summary>
    public int PageSize { get; init; }
}

/// <summary>An image stored with a timepoint.</summary>
public sealed record TimepointImage
{
    /// <summary>The encoded image.</summary>
    public byte[] Bytes { get; init; } = Array.Empty<byte>();
    /// <summary>Its media type, e.g. "image/png".</summary>
    public string MimeType { get; init; } = "";
}
