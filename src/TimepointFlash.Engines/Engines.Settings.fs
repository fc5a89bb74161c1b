namespace TimepointFlash.Engines

open System
open TimepointFlash

/// A remote LLM provider the engine can call.
[<RequireQualifiedAccess>]
type ProviderId =
    | Gemini
    | OpenRouter
    | OpenAi

/// A secret API key. Its text is reachable only through `Reveal`; printing it shows "<redacted>".
[<Sealed>]
type ApiKey(value: string) =
    /// The key text, for the one place that writes the request header.
    member _.Reveal() = value
    override _.ToString() = "<redacted>"

    override _.Equals(other: obj) =
        match other with
        | :? ApiKey as k -> k.Reveal() = value
        | _ -> false

    override _.GetHashCode() = value.GetHashCode()

/// The model used for each role on one provider, already translated to that provider's ids.
type ModelSet = {
    Judge: string
    Creative: string
    Image: string
}

/// Whether an OpenAI-compatible provider sends reasoning-model parameters (no temperature,
/// `max_completion_tokens`, `reasoning_effort`): chosen by model id, or forced for ids we cannot read.
[<RequireQualifiedAccess>]
type ReasoningMode =
    | ByModelId
    | Always
    | Never

/// Thinking tokens granted per step kind: Gemini 2.5 `thinkingBudget`, and the headroom added to the output
/// limit of models that think by level (Gemini 3, OpenAI reasoning families).
type ThinkingBudgets = {
    /// Steps answering with a JSON schema (every pipeline step).
    Structured: int
    /// Free-text calls.
    Creative: int
}

/// Where and how to reach one provider.
type ProviderSettings = {
    Id: ProviderId
    /// True when the provider may be called: a key is set, or (OpenAI-compatible) a base URL points at a local server.
    Configured: bool
    Key: ApiKey option
    BaseUrl: Uri
    Models: ModelSet
    /// `<PROVIDER>_REASONING` = auto | on | off.
    Reasoning: ReasoningMode
    /// `THINKING_BUDGET_STRUCTURED`, `THINKING_BUDGET_CREATIVE`.
    Thinking: ThinkingBudgets
}

/// What the router falls back to after the primary provider.
[<RequireQualifiedAccess>]
type Fallback =
    | Provider of ProviderId
    | Offline

/// Which engine answers: the embedded offline engine, or remote providers.
[<RequireQualifiedAccess>]
type Engine =
    | Offline
    | Remote of primary: ProviderId * fallback: Fallback option

/// The models a preset picks on one provider; None keeps the deployment's configured model for that role.
type PresetModels = {
    JudgeModel: string option
    CreativeModel: string option
    ImageModel: string option
}

/// A named bundle of generation settings: models per provider, an output ceiling, a temperature shift and a
/// thinking level (where the provider supports one).
type Preset = {
    Name: string
    Label: string
    Description: string
    /// Providers absent here use the deployment's models under this preset.
    Models: (ProviderId * PresetModels) list
    MaxTokens: int option
    TemperatureShift: float
    Thinking: ThinkingLevel option
}

/// The deployment's presets and its default.
type PresetTable = {
    Default: string
    Presets: Preset list
}

/// Provider layer configuration, parsed once from the environment.
type Settings = {
    Engine: Engine
    /// Every provider, configured or not, in the order gemini, openrouter, openai.
    Providers: ProviderSettings list
    Timeout: TimeSpan
    MaxRetries: int
    CircuitThreshold: int
    CircuitCooldown: TimeSpan
    /// The deployment's presets (built-ins with PRESETS_FILE and PRESET_* overrides) and DEFAULT_PRESET.
    Presets: PresetTable
}

/// A configuration problem: the variable and what is wrong (never its secret value).
type SettingsError = { Variable: string; Problem: string }

[<RequireQualifiedAccess>]
module ProviderId =
    /// The provider's name in logs, errors and configuration.
    let name =
        function
        | ProviderId.Gemini -> "gemini"
        | ProviderId.OpenRouter -> "openrouter"
        | ProviderId.OpenAi -> "openai"

    /// Every provider in default priority order.
    let all = [ ProviderId.Gemini; ProviderId.OpenRouter; ProviderId.OpenAi ]

    /// The variable holding the provider's key.
    let keyVariable =
        function
        | ProviderId.Gemini -> "GOOGLE_API_KEY"
        | ProviderId.OpenRouter -> "OPENROUTER_API_KEY"
        | ProviderId.OpenAi -> "OPENAI_API_KEY"

    /// The variable overriding the provider's base URL.
    let baseUrlVariable =
        function
        | ProviderId.Gemini -> "GEMINI_BASE_URL"
        | ProviderId.OpenRouter -> "OPENROUTER_BASE_URL"
        | ProviderId.OpenAi -> "OPENAI_BASE_URL"

    /// The base URL used when none is configured.
    let defaultBaseUrl =
        function
        | ProviderId.Gemini -> "https://generativelanguage.googleapis.com"
        | ProviderId.OpenRouter -> "https://openrouter.ai/api/v1"
        | ProviderId.OpenAi -> "https://api.openai.com/v1"

[<RequireQualifiedAccess>]
module SettingsError =
    /// One line naming the variable.
    let describe (e: SettingsError) = $"{e.Variable}: {e.Problem}"

/// Model ids per provider: defaults and translation between Gemini-native and OpenRouter ids (fixes B2).
[<RequireQualifiedAccess>]
module ModelId =
    /// Default models for a provider.
    let defaults =
        function
        | ProviderId.Gemini -> {
            Judge = "gemini-2.5-flash"
            Creative = "gemini-3-pro-preview"
            Image = "gemini-3-pro-image-preview"
          }
        | ProviderId.OpenRouter -> {
            Judge = "google/gemini-2.5-flash"
            Creative = "google/gemini-3-pro-preview"
            Image = "google/gemini-3-pro-image-preview"
          }
        | ProviderId.OpenAi -> {
            Judge = "gpt-4o-mini"
            Creative = "gpt-4o"
            Image = "gpt-image-1"
          }

    let private startsWithAny (prefixes: string list) (id: string) =
        prefixes
        |> List.exists (fun p -> id.StartsWith(p, StringComparison.OrdinalIgnoreCase))

    let private isGoogleFamily =
        startsWithAny [ "gemini"; "gemma"; "imagen"; "learnlm" ]

    /// The id to send to native Gemini: `google/` stripped; another vendor's id falls back to the default.
    let forGemini (fallbackId: string) (id: string) =
        if id.StartsWith("google/", StringComparison.OrdinalIgnoreCase) then
            id.Substring 7
        elif id.Contains '/' then
            fallbackId
        else
            id

    /// The id to send to OpenRouter: bare vendor ids get their `vendor/` prefix.
    let forOpenRouter (fallbackId: string) (id: string) =
        if id.Contains '/' then
            id
        elif startsWithAny [ "imagen" ] id then
            fallbackId
        elif isGoogleFamily id then
            "google/" + id
        elif startsWithAny [ "gpt-"; "chatgpt"; "o1"; "o3"; "o4" ] id then
            "openai/" + id
        elif startsWithAny [ "claude" ] id then
            "anthropic/" + id
        else
            id

    /// The id to send to a generic OpenAI-compatible server (`openai/` stripped for api.openai.com).
    let forOpenAi (baseUrl: Uri) (id: string) =
        if
            baseUrl.Host = "api.openai.com"
            && id.StartsWith("openai/", StringComparison.OrdinalIgnoreCase)
        then
            id.Substring 7
        else
            id

    /// Translates one configured id (or the default) for a provider.
    let translate (provider: ProviderId) (baseUrl: Uri) (pick: ModelSet -> string) (configured: string option) =
        let fallbackId = pick (defaults provider)

        match configured with
        | None -> fallbackId
        | Some id ->
            match provider with
            | ProviderId.Gemini -> forGemini fallbackId id
            | ProviderId.OpenRouter -> forOpenRouter fallbackId id
            | ProviderId.OpenAi -> forOpenAi baseUrl id
