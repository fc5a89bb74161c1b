namespace TimepointFlash.Interop

open Microsoft.Extensions.AI

/// Settings for a TimepointEngine. Unset values fall back to the process environment (DESIGN §9 names).
[<Sealed; AllowNullLiteral>]
type TimepointEngineOptions() =
    /// sqlite:///path, postgres://…, an Npgsql connection string; null → DATABASE_URL or timepoint.db.
    member val DatabaseUrl: string = null with get, set
    /// Gemini key (GOOGLE_API_KEY).
    member val GoogleApiKey: string = null with get, set
    /// OpenRouter key (OPENROUTER_API_KEY).
    member val OpenRouterApiKey: string = null with get, set
    /// OpenAI-compatible key (OPENAI_API_KEY).
    member val OpenAiApiKey: string = null with get, set
    /// OpenAI-compatible base URL (OPENAI_BASE_URL), e.g. http://localhost:11434/v1 for Ollama.
    member val OpenAiBaseUrl: string = null with get, set
    /// gemini, openrouter, openai or offline (PRIMARY_PROVIDER).
    member val PrimaryProvider: string = null with get, set
    /// Model for the judge step (JUDGE_MODEL).
    member val JudgeModel: string = null with get, set
    /// Model for the creative steps (CREATIVE_MODEL).
    member val CreativeModel: string = null with get, set
    /// Model for images (IMAGE_MODEL).
    member val ImageModel: string = null with get, set
    /// Background workers (GENERATION_CONCURRENCY); 0 → default.
    member val Concurrency = 0 with get, set
    /// Use only these values and never read the process environment.
    member val IgnoreEnvironment = false with get, set
    /// A chat client of your own used for every text step (structured JSON is asked for in the prompt).
    member val ChatClient: IChatClient = null with get, set

/// Per-call generation settings.
[<Sealed; AllowNullLiteral>]
type GenerateOptions() =
    /// Also draw an image.
    member val GenerateImage = false with get, set
