using System;

namespace TimepointFlash.Interop;

/// <summary>A text model a comparison can run (the API's <c>GET /api/v1/eval/models</c> item).</summary>
public sealed record EvalModel
{
    /// <summary>The model id.</summary>
    public string ModelId { get; init; } = "";
    /// <summary>The provider that serves it ("" to let the engine's router choose).</summary>
    public string Provider { get; init; } = "";
    /// <summary>The name results and reports show.</summary>
    public string Label { get; init; } = "";
}

/// <summary>A model set a comparison can name, with how many models it holds on this engine.</summary>
public sealed record EvalModelSet
{
    /// <summary>"verified", "google_native", "openrouter" or "all".</summary>
    public string Name { get; init; } = "";
    /// <summary>How many models the set holds here.</summary>
    public int Count { get; init; }
}

/// <summary>What a comparison can run: the model sets, the text models, the generation presets.</summary>
public sealed record EvalModels
{
    /// <summary>The model sets with their sizes (the API's <c>presets</c>).</summary>
    public ValueList<EvalModelSet> Sets { get; init; } = ValueList<EvalModelSet>.Empty;
    /// <summary>The available text models (the set "all").</summary>
    public ValueList<EvalModel> Models { get; init; } = ValueList<EvalModel>.Empty;
    /// <summary>The engine's generation presets, which a comparison can run by name.</summary>
    public ValueList<string> GenerationPresets { get; init; } = ValueList<string>.Empty;
}

/// <summary>How a comparison's run ended.</summary>
public enum EvalStatus
{
    /// <summary>The scene was generated.</summary>
    Completed = 0,
    /// <summary>The generation failed; Error says why.</summary>
    Failed = 1,
    /// <summary>The comparison's timeout ended the run.</summary>
    Timeout = 2,
}

/// <summary>The tokens a run used.</summary>
public sealed record EvalTokens
{
    /// <summary>Input tokens.</summary>
    public int Input { get; init; }
    /// <summary>Output tokens.</summary>
    public int Output { get; init; }
    /// <summary>Input plus output.</summary>
    public int Total { get; init; }
}

/// <summary>The key fields of the scene a run produced.</summary>
public sealed record EvalSceneInfo
{
    /// <summary>The scene's slug.</summary>
    public string Slug { get; init; } = "";
    /// <summary>Its year (negative for BCE), or null.</summary>
    public int? Year { get; init; }
    /// <summary>Its place, or null.</summary>
    public string? Location { get; init; }
    /// <summary>How many characters it has.</summary>
    public int Characters { get; init; }
    /// <summary>How many dialog lines it has.</summary>
    public int DialogLines { get; init; }
}

/// <summary>One run of a comparison (the API's result item).</summary>
public sealed record EvalResult
{
    /// <summary>The model id, or "preset:&lt;name&gt;" for a preset.</summary>
    public string ModelId { get; init; } = "";
    /// <summary>The provider.</summary>
    public string Provider { get; init; } = "";
    /// <summary>The name reports show.</summary>
    public string Label { get; init; } = "";
    /// <summary>True when the run completed.</summary>
    public bool Success { get; init; }
    /// <summary>How the run ended.</summary>
    public EvalStatus Status { get; init; }
    /// <summary>How long the run took, in milliseconds (the timeout for a timed-out run).</summary>
    public long LatencyMs { get; init; }
    /// <summary>The scene's plot summary (else its setting), or null.</summary>
    public string? Output { get; init; }
    /// <summary>The length of Output (0 when none).</summary>
    public int OutputLength { get; init; }
    /// <summary>Output cut to 200 characters, or null.</summary>
    public string? OutputPreview { get; init; }
    /// <summary>Why the run failed or timed out, or null.</summary>
    public string? Error { get; init; }
    /// <summary>When the run started.</summary>
    public DateTimeOffset StartedAt { get; init; }
    /// <summary>When it ended.</summary>
    public DateTimeOffset CompletedAt { get; init; }
    /// <summary>The tokens it used.</summary>
    public EvalTokens Tokens { get; init; } = new();
    /// <summary>The text models its steps used.</summary>
    public ValueList<string> ModelsUsed { get; init; } = ValueList<string>.Empty;
    /// <summary>The stored scene (read it with GetAsync), or null when the run timed out.</summary>
    public Guid? TimepointId { get; init; }
    /// <summary>The scene's key fields, or null when the run timed out.</summary>
    public EvalSceneInfo? Scene { get; init; }
}

/// <summary>The latencies of a comparison's successful runs (zeros when none succeeded).</summary>
public sealed record EvalLatencyStats
{
    /// <summary>The fastest, in milliseconds.</summary>
    public long MinMs { get; init; }
    /// <summary>The slowest, in milliseconds.</summary>
    public long MaxMs { get; init; }
    /// <summary>The average, in milliseconds (one decimal).</summary>
    public double AvgMs { get; init; }
    /// <summary>The median, in milliseconds.</summary>
    public long MedianMs { get; init; }
    /// <summary>Slowest minus fastest, in milliseconds.</summary>
    public long RangeMs { get; init; }
}

/// <summary>A finished comparison (the API's <c>POST /api/v1/eval/compare</c> answer).</summary>
public sealed record EvalComparison
{
    /// <summary>The query every target generated.</summary>
    public string Query { get; init; } = "";
    /// <summary>The prompt type, echoed.</summary>
    public string PromptType { get; init; } = "";
    /// <summary>When the comparison started.</summary>
    public DateTimeOffset Timestamp { get; init; }
    /// <summary>How long the whole comparison took, in milliseconds.</summary>
    public long TotalDurationMs { get; init; }
    /// <summary>How many targets ran.</summary>
    public int ModelsTested { get; init; }
    /// <summary>The runs, in the order asked for.</summary>
    public ValueList<EvalResult> Results { get; init; } = ValueList<EvalResult>.Empty;
    /// <summary>The fastest successful run's ModelId, or null when none succeeded.</summary>
    public string? FastestModel { get; init; }
    /// <summary>The slowest successful run's ModelId, or null when none succeeded.</summary>
    public string? SlowestModel { get; init; }
    /// <summary>How many runs succeeded.</summary>
    public int SuccessCount { get; init; }
    /// <summary>How many did not.</summary>
    public int FailureCount { get; init; }
    /// <summary>The success rate in percent, 0–100 (one decimal).</summary>
    public double SuccessRate { get; init; }
    /// <summary>The latencies of the successful runs.</summary>
    public EvalLatencyStats LatencyStats { get; init; } = new();
    /// <summary>The successful runs' ModelIds, fastest first.</summary>
    public ValueList<string> Ranking { get; init; } = ValueList<string>.Empty;
}

/// <summary>A comparison with its plain-text report (the API's <c>POST /api/v1/eval/compare/report</c> answer).</summary>
public sealed record EvalReport
{
    /// <summary>The comparison.</summary>
    public EvalComparison Comparison { get; init; } = new();
    /// <summary>The report: 70-column lines, results by speed, failures, statistics.</summary>
    public string Report { get; init; } = "";
}
