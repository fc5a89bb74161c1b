namespace TimepointFlash.Interop;

/// <summary>How grounding was asked for.</summary>
public enum GroundingMode
{
    /// <summary>Ground when the text provider can search; otherwise skip, saying why.</summary>
    Auto = 0,
    /// <summary>Ground always; a provider that cannot search makes the step fail (non-fatal).</summary>
    On = 1,
    /// <summary>Never ground.</summary>
    Off = 2,
}

/// <summary>How grounding went for one generation.</summary>
public enum GroundingState
{
    /// <summary>The step ran and its findings are stored.</summary>
    Grounded = 0,
    /// <summary>The step did not run because the provider cannot search (mode Auto).</summary>
    Skipped = 1,
    /// <summary>The step ran and failed, or On was asked of a provider that cannot search.</summary>
    Failed = 2,
    /// <summary>Grounding was switched off.</summary>
    Off = 3,
    /// <summary>The judge did not class the query as a real event.</summary>
    NotApplicable = 4,
}

/// <summary>A source a grounding cites.</summary>
public sealed record GroundingSourceInfo
{
    /// <summary>The page's title (its address when it had none).</summary>
    public string Title { get; init; } = "";
    /// <summary>The page's address.</summary>
    public string Url { get; init; } = "";
}

/// <summary>What a search (or the offline engine's curated data) confirmed about a real event.</summary>
public sealed record GroundingInfo
{
    /// <summary>The verified date as text, or null.</summary>
    public string? VerifiedDate { get; init; }
    /// <summary>The verified place, or null.</summary>
    public string? VerifiedLocation { get; init; }
    /// <summary>People confirmed to have taken part (empty when none).</summary>
    public ValueList<string> Participants { get; init; } = ValueList<string>.Empty;
    /// <summary>Confirmed facts (empty when none).</summary>
    public ValueList<string> Facts { get; init; } = ValueList<string>.Empty;
    /// <summary>The sources cited, unique by address (empty when none).</summary>
    public ValueList<GroundingSourceInfo> Sources { get; init; } = ValueList<GroundingSourceInfo>.Empty;
    /// <summary>Confidence 0–1.</summary>
    public double Confidence { get; init; }
}

/// <summary>What a generation records about its grounding: the mode it ran under, what happened and why.</summary>
public sealed record GroundingStatusInfo
{
    /// <summary>The mode asked for.</summary>
    public GroundingMode Mode { get; init; }
    /// <summary>What happened.</summary>
    public GroundingState State { get; init; }
    /// <summary>The provider that searched (or could not), or null.</summary>
    public string? Provider { get; init; }
    /// <summary>How it searched: google_search, web_plugin, curated or caller_model; or null.</summary>
    public string? Method { get; init; }
    /// <summary>Why grounding was skipped or failed, or null.</summary>
    public string? Reason { get; init; }
    /// <summary>The searches the provider ran, when it reported them (empty otherwise).</summary>
    public ValueList<string> Queries { get; init; } = ValueList<string>.Empty;
}
