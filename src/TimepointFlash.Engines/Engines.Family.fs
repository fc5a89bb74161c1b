namespace TimepointFlash.Engines

open System
open System.Text.RegularExpressions
open TimepointFlash

/// The families of model whose request parameters differ, read from the model id.
[<RequireQualifiedAccess>]
type ModelFamily =
    /// Gemini 2.5: thinking bounded by `thinkingBudget`, which counts against the output limit.
    | Gemini25
    /// Gemini 3: thinking chosen by `thinkingLevel`; temperature left at its default (1.0).
    | Gemini3
    /// OpenAI o-series and gpt-5: no temperature, `max_completion_tokens`, `reasoning_effort`.
    | OpenAiReasoning
    /// Everything else: temperature and a plain output limit.
    | Plain

/// How a model is asked to think.
[<RequireQualifiedAccess>]
type Thinking =
    /// Gemini 2.5 `thinkingConfig.thinkingBudget` (OpenRouter `reasoning.max_tokens`).
    | Budget of tokens: int
    /// Gemini 3 `thinkingConfig.thinkingLevel` (OpenRouter `reasoning.effort`).
    | Level of level: string
    /// OpenAI `reasoning_effort`.
    | Effort of effort: string

/// What a chat request sends for its model family and step kind.
type Sampling = {
    /// None leaves the model's default.
    Temperature: float option
    /// The output limit sent: the step's answer budget plus the thinking granted.
    MaxTokens: int option
    Thinking: Thinking option
}

/// Where an image model is served.
[<RequireQualifiedAccess>]
type ImageEndpoint =
    /// Gemini `generateContent` with `responseModalities` IMAGE.
    | GeminiGenerate
    /// Imagen `:predict`.
    | ImagenPredict
    /// OpenAI `POST /images/generations` answering `data[].b64_json`.
    | ImagesApi
    /// Chat completions with `modalities: ["image","text"]` (OpenRouter documents it; OpenAI does not).
    | ChatModalities

[<RequireQualifiedAccess>]
module ModelFamily =
    let private reasoningId =
        Regex(@"^(o\d|gpt-5)", RegexOptions.Compiled ||| RegexOptions.IgnoreCase)

    /// The id without its `vendor/` prefix, lower case.
    let bare (id: string) =
        let slash = id.LastIndexOf '/'
        (if slash >= 0 then id.Substring(slash + 1) else id).ToLowerInvariant()

    /// The family of a model id (with or without a `vendor/` prefix).
    let ofModel (id: string) =
        let m = bare id

        if m.StartsWith "gemini-2.5" then ModelFamily.Gemini25
        elif m.StartsWith "gemini-3" then ModelFamily.Gemini3
        elif reasoningId.IsMatch m then ModelFamily.OpenAiReasoning
        else ModelFamily.Plain

    /// The family as an OpenAI-compatible provider's `<PROVIDER>_REASONING` setting makes it.
    let forProvider (mode: ReasoningMode) (id: string) =
        match mode, ofModel id with
        | ReasoningMode.Always, (ModelFamily.Plain | ModelFamily.OpenAiReasoning) -> ModelFamily.OpenAiReasoning
        | ReasoningMode.Never, ModelFamily.OpenAiReasoning -> ModelFamily.Plain
        | _, family -> family

    /// True for OpenAI's own image models (`gpt-image-*`, `dall-e-*`, `chatgpt-image-*`).
    let isOpenAiImage (id: string) =
        let m = bare id

        m.StartsWith "gpt-image"
        || m.StartsWith "dall-e"
        || m.StartsWith "chatgpt-image"

[<RequireQualifiedAccess>]
module Sampling =
    /// The budget of a request's step kind: structured (a schema) or creative (free text).
    let budget (budgets: ThinkingBudgets) (request: ChatRequest) =
        if request.Schema.IsSome then
            budgets.Structured
        else
            budgets.Creative

    /// The thinking tokens a requested level grants a Gemini 2.5 model.
    let levelBudget =
        function
        | ThinkingLevel.None -> 0
        | ThinkingLevel.Low -> 1024
        | ThinkingLevel.Medium -> 4096
        | ThinkingLevel.High -> 8192

    /// Temperature, output limit and thinking for a family: thinking is granted on top of the answer budget; a
    /// thinking level the run asks for (request or preset) replaces the step kind's default.
    let plan (family: ModelFamily) (budgets: ThinkingBudgets) (request: ChatRequest) : Sampling =
        let level = request.Tuning.Thinking

        let granted =
            match family, level with
            | ModelFamily.Gemini25, Some l -> levelBudget l
            | _ -> budget budgets request

        let widened = request.MaxTokens |> Option.map (fun n -> n + granted)
        let structured = request.Schema.IsSome

        match family with
        | ModelFamily.Gemini25 -> {
            Temperature = Some request.Temperature
            MaxTokens = widened
            Thinking = Some(Thinking.Budget granted)
          }
        | ModelFamily.Gemini3 -> {
            Temperature = None
            MaxTokens = widened
            Thinking =
                Some(
                    Thinking.Level(
                        match level with
                        | Some(ThinkingLevel.None | ThinkingLevel.Low) -> "low"
                        | Some(ThinkingLevel.Medium | ThinkingLevel.High) -> "high"
                        | None -> if structured then "low" else "high"
                    )
                )
          }
        | ModelFamily.OpenAiReasoning -> {
            Temperature = None
            MaxTokens = widened
            Thinking =
                Some(
                    Thinking.Effort(
                        match level with
                        | Some(ThinkingLevel.None | ThinkingLevel.Low) -> "low"
                        | Some ThinkingLevel.Medium -> "medium"
                        | Some ThinkingLevel.High -> "high"
                        | None -> if structured then "low" else "medium"
                    )
                )
          }
        | ModelFamily.Plain -> {
            Temperature = Some request.Temperature
            MaxTokens = request.MaxTokens
            Thinking = None
          }

[<RequireQualifiedAccess>]
module ImageEndpoint =
    /// Image models whose text window is short (Imagen ~480 tokens, DALL·E 2 1,000 characters, CLIP-based
    /// Stable Diffusion 77 tokens): they get the compact prompt.
    let shortWindow (model: string) =
        let m = ModelFamily.bare model

        m.StartsWith "imagen"
        || m.StartsWith "dall-e-2"
        || m.Contains "stable-diffusion"
        || m.Contains "sdxl"

    /// The prompt text sent to an image API for a model: the compact form for short text windows (it already
    /// leads with era, place and "no text"), otherwise the full prompt with what to avoid appended (no image API
    /// has a field for it).
    let promptText (model: string) (request: ImageRequest) =
        match request.Compact with
        | Some compact when shortWindow model -> compact
        | _ ->
            match request.NegativePrompt with
            | Some avoid when not (String.IsNullOrWhiteSpace avoid) -> $"{request.Prompt}\n\nAvoid: {avoid}"
            | _ -> request.Prompt

    /// Where a provider serves an image model, or why it cannot make images with it.
    let forModel (provider: ProviderId) (model: string) : Result<ImageEndpoint, string> =
        let m = ModelFamily.bare model

        match provider with
        | ProviderId.Gemini when m.StartsWith "imagen" -> Ok ImageEndpoint.ImagenPredict
        | ProviderId.Gemini when m.StartsWith "gemini" && m.Contains "image" -> Ok ImageEndpoint.GeminiGenerate
        | ProviderId.Gemini ->
            Error
                $"'{model}' is not a Gemini image model (gemini-*-image* or imagen-*); Gemini cannot make images with it"
        | ProviderId.OpenRouter -> Ok ImageEndpoint.ChatModalities
        | ProviderId.OpenAi when ModelFamily.isOpenAiImage model -> Ok ImageEndpoint.ImagesApi
        | ProviderId.OpenAi ->
            Error
                $"'{model}' is not an OpenAI image model (gpt-image-* or dall-e-*); the Images API may reject it and chat completions cannot make images"

    /// The `size` of the Images API nearest to an aspect ratio such as "16:9", per model family.
    let imageSize (model: string) (aspectRatio: string) =
        let m = ModelFamily.bare model

        let shape =
            match aspectRatio.Split ':' with
            | [| w; h |] ->
                match Double.TryParse w, Double.TryParse h with
                | (true, w), (true, h) when w > 0.0 && h > 0.0 -> compare (w / h) 1.0
                | _ -> 0
            | _ -> 0

        if m.StartsWith "dall-e-2" then
            "1024x1024"
        elif m.StartsWith "dall-e-3" then
            [| "1024x1792"; "1024x1024"; "1792x1024" |].[shape + 1]
        else
            [| "1024x1536"; "1024x1024"; "1536x1024" |].[shape + 1]

    /// One start-up line per provider in the chain that cannot make images with its configured image model.
    let warnings (settings: Settings) =
        let inUse =
            match settings.Engine with
            | Engine.Offline -> []
            | Engine.Remote(primary, fallback) ->
                primary
                :: (match fallback with
                    | Some(Fallback.Provider id) -> [ id ]
                    | _ -> [])

        inUse
        |> List.map (Settings.find settings)
        |> List.filter _.Configured
        |> List.choose (fun p ->
            match forModel p.Id p.Models.Image with
            | Ok _ -> None
            | Error problem -> Some $"[{ProviderId.name p.Id}] IMAGE_MODEL {problem}")
