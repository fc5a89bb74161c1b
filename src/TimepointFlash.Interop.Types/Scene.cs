namespace TimepointFlash.Interop;

/// <summary>One person in a scene.</summary>
public sealed record CharacterInfo
{
    /// <summary>The character's name.</summary>
    public string Name { get; init; } = "";
    /// <summary>"primary", "secondary" or "background".</summary>
    public string Role { get; init; } = "";
    /// <summary>Physical description.</summary>
    public string Description { get; init; } = "";
    /// <summary>Period clothing, or null.</summary>
    public string? Clothing { get; init; }
    /// <summary>What the character is doing, or null.</summary>
    public string? Action { get; init; }
    /// <summary>True when the character speaks in the scene.</summary>
    public bool SpeaksInScene { get; init; }
}

/// <summary>One line of dialog.</summary>
public sealed record DialogLineInfo
{
    /// <summary>Who speaks.</summary>
    public string Speaker { get; init; } = "";
    /// <summary>What is said.</summary>
    public string Text { get; init; } = "";
    /// <summary>Tone of voice, or null.</summary>
    public string? Tone { get; init; }
}

/// <summary>A relationship between two characters.</summary>
public sealed record RelationshipInfo
{
    /// <summary>From this character.</summary>
    public string From { get; init; } = "";
    /// <summary>To this character.</summary>
    public string To { get; init; } = "";
    /// <summary>ally, rival, enemy, …</summary>
    public string Type { get; init; } = "";
    /// <summary>friendly, neutral, tense or hostile.</summary>
    public string Tension { get; init; } = "";
}

/// <summary>A group of characters with a shared goal.</summary>
public sealed record FactionInfo
{
    /// <summary>The faction's name.</summary>
    public string Name { get; init; } = "";
    /// <summary>Its members' names.</summary>
    public ValueList<string> Members { get; init; } = ValueList<string>.Empty;
    /// <summary>What it wants, or null.</summary>
    public string? Goal { get; init; }
}

/// <summary>One issue the historical review (the critique step) found in a scene.</summary>
public sealed record ReviewIssueInfo
{
    /// <summary>critical, major or minor.</summary>
    public string Severity { get; init; } = "";
    /// <summary>anachronism, voice, fact or style.</summary>
    public string Category { get; init; } = "";
    /// <summary>Where the issue is, e.g. "dialog[2]".</summary>
    public string Field { get; init; } = "";
    /// <summary>The offending text, or null.</summary>
    public string? Quote { get; init; }
    /// <summary>What is wrong.</summary>
    public string Description { get; init; } = "";
}

/// <summary>How the scene is framed (the camera step).</summary>
public sealed record CameraInfo
{
    /// <summary>Shot type, e.g. "wide".</summary>
    public string ShotType { get; init; } = "";
    /// <summary>Camera angle, e.g. "eye level".</summary>
    public string Angle { get; init; } = "";
    /// <summary>What the camera focuses on.</summary>
    public string FocalPoint { get; init; } = "";
    /// <summary>A second focus, or null.</summary>
    public string? SecondaryFocus { get; init; }
    /// <summary>Depth of field, e.g. "shallow".</summary>
    public string DepthOfField { get; init; } = "";
    /// <summary>Camera movement, or null.</summary>
    public string? Movement { get; init; }
    /// <summary>The composition rule, e.g. "rule of thirds".</summary>
    public string CompositionRule { get; init; } = "";
    /// <summary>Leading lines in the frame.</summary>
    public ValueList<string> LeadingLines { get; init; } = ValueList<string>.Empty;
    /// <summary>What is in the foreground.</summary>
    public ValueList<string> Foreground { get; init; } = ValueList<string>.Empty;
    /// <summary>What is in the midground.</summary>
    public ValueList<string> Midground { get; init; } = ValueList<string>.Empty;
    /// <summary>What is in the background.</summary>
    public ValueList<string> Background { get; init; } = ValueList<string>.Empty;
    /// <summary>Why it is framed so, or null.</summary>
    public string? FramingIntent { get; init; }
}

/// <summary>The dramatic moment (the moment step).</summary>
public sealed record MomentInfo
{
    /// <summary>What happens.</summary>
    public string Plot { get; init; } = "";
    /// <summary>What is at stake.</summary>
    public string Stakes { get; init; } = "";
    /// <summary>rising, climactic, falling or resolved.</summary>
    public string TensionArc { get; init; } = "";
    /// <summary>What led here, or null.</summary>
    public string? Before { get; init; }
    /// <summary>What follows, or null.</summary>
    public string? After { get; init; }
    /// <summary>The consequences, or null.</summary>
    public string? Consequences { get; init; }
    /// <summary>The emotional beats in order.</summary>
    public ValueList<string> EmotionalBeats { get; init; } = ValueList<string>.Empty;
    /// <summary>The kind of conflict, or null.</summary>
    public string? ConflictType { get; init; }
    /// <summary>The question the scene asks, or null.</summary>
    public string? CentralQuestion { get; init; }
    /// <summary>Why the moment matters historically, or null.</summary>
    public string? HistoricalSignificance { get; init; }
}
