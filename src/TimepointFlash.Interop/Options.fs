namespace TimepointFlash.Interop

open Microsoft.Extensions.AI

/// Settings for a TimepointEngine. Unset values fall back to the process environment and a .env file
/// (the names in parentheses) unless IgnoreEnvironment is true.
[<Sealed>]
type TimepointEngineOptions
    /// Creates options with every value unset.
    () =
    /// sqlite:///path, postgres://…, or an Npgsql connection string (DATABASE_URL); unset → timepoint.db.
    member val DatabaseUrl: string | null = null with get, set
    /// Gemini key (GOOGLE_API_KEY).
    member val GoogleApiKey: string | null = null with get, set
    /// OpenRouter key (OPENROUTER_API_KEY).
    member val OpenRouterApiKey: string | null = null with get, set
    /// OpenAI-compatible key (OPENAI_API_KEY).
    member val OpenAiApiKey: string | null = null with get, set
    /// OpenAI-compatible base URL (OPENAI_BASE_URL), e.g. http://localhost:11434/v1 for Ollama.
    member val OpenAiBaseUrl: string | null = null with get, set
    /// gemini, openrouter, openai or offline (PRIMARY_PROVIDER).
    member val PrimaryProvider: string | null = null with get, set
    /// gemini, openrouter, openai or offline, used when the primary provider fails (FALLBACK_PROVIDER).
    member val FallbackProvider: string | null = null with get, set
    /// Model for the judge step (JUDGE_MODEL).
    member val JudgeModel: string | null = null with get, set
    /// Model for the creative steps (CREATIVE_MODEL).
    member val CreativeModel: string | null = null with get, set
    /// Model for images (IMAGE_MODEL).
    member val ImageModel: string | null = null with get, set
    /// How many generations this engine runs at once; further calls wait their turn
    /// (GENERATION_CONCURRENCY); 0 → the default, 4.
    member val Concurrency = 0 with get, set
    /// Use only these values and never read the process environment or a .env file.
    member val IgnoreEnvironment = false with get, set
    /// A chat client of your own used for every text step instead of a provider (the JSON schema of each
    /// step is sent as the response format). Images still come from the configured provider or the offline engine.
    member val ChatClient: IChatClient | null = null with get, set

/// Per-call generation settings.
[<Sealed>]
type GenerateOptions
    /// Creates options with the defaults: no image.
    () =
    /// Also draw an image (read it with TimepointEngine.GetImageAsync).
    member val GenerateImage = false with get, set
    /// hyper, balanced, hd, gemini3, free_distillable or frontier; unset → the deployment's default (DEFAULT_PRESET).
    member val Preset: string | null = null with get, set
    /// The text model of the creative steps, replacing the preset's.
    member val TextModel: string | null = null with get, set
    /// The image model, replacing the preset's.
    member val ImageModel: string | null = null with get, set
    /// Sampling temperature of every text step (0 to 2); unset → each step's own.
    member val Temperature: System.Nullable<float> = System.Nullable() with get, set
    /// Check a real event against sources: "auto" (when the provider can search), "on" (always; a provider that
    /// cannot search records a failed, non-fatal step) or "off"; unset → the deployment's GROUNDING.
    member val Grounding: string | null = null with get, set
