using System;

namespace TimepointFlash.Interop;

/// <summary>Which linked scenes a sequence takes around its centre.</summary>
public enum SequenceDirection
{
    /// <summary>Scenes before and after the centre.</summary>
    Both = 0,
    /// <summary>Scenes before the centre.</summary>
    Prior = 1,
    /// <summary>Scenes after the centre.</summary>
    Next = 2,
}

/// <summary>The text form of an export.</summary>
public enum ExportFormat
{
    /// <summary>The full timepoint in the API's JSON shape, indented.</summary>
    Json = 0,
    /// <summary>A readable Markdown document (setting, characters, dialog, moment, review, image prompt).</summary>
    Markdown = 1,
}

/// <summary>A scene and the scenes linked to it by time travel, in historical order.</summary>
public sealed record TimepointSequence
{
    /// <summary>The scene asked for.</summary>
    public Timepoint Center { get; init; } = new();
    /// <summary>Linked scenes before it, oldest first.</summary>
    public ValueList<Timepoint> Prior { get; init; } = ValueList<Timepoint>.Empty;
    /// <summary>Linked scenes after it, oldest first.</summary>
    public ValueList<Timepoint> Next { get; init; } = ValueList<Timepoint>.Empty;
}

/// <summary>A model the engine can use.</summary>
public sealed record ModelInfo
{
    /// <summary>The model id, e.g. "gemini-2.5-flash".</summary>
    public string Id { get; init; } = "";
    /// <summary>A display name.</summary>
    public string Name { get; init; } = "";
    /// <summary>The provider serving it ("offline" for the built-in engine).</summary>
    public string Provider { get; init; } = "";
    /// <summary>What it can do ("text", "image", …).</summary>
    public ValueList<string> Capabilities { get; init; } = ValueList<string>.Empty;
    /// <summary>Its context window in tokens, or null when unknown.</summary>
    public int? ContextLength { get; init; }
    /// <summary>True when it can be used now.</summary>
    public bool IsAvailable { get; init; }
}
