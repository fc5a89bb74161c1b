namespace TimepointFlash

open System
open System.Threading
open System.Threading.Tasks

/// Which configured model a call uses.
[<RequireQualifiedAccess>]
type ModelRole =
    | Judge
    | Creative
    | Image

/// A call held back until its provider's budget (PROVIDER_LIMITS) allows it.
type BudgetWait = {
    Provider: string
    Model: string
    /// The bucket it draws from (`provider` or `provider:model`).
    Bucket: string
    /// How long the budget says it will wait.
    Wait: TimeSpan
}

/// Told when a call has to wait for provider budget before it goes out (the pipeline shows it as the step's state).
/// Every notice equals every other, so requests still compare by their content.
[<CustomEquality; NoComparison>]
type WaitNotice =
    | WaitNotice of (BudgetWait -> Task)

    override _.Equals(other: obj) = other :? WaitNotice
    override _.GetHashCode() = 0

    /// Nobody listens.
    static member None = WaitNotice(fun _ -> Task.CompletedTask)

    /// Tells the listener.
    member n.Tell(wait: BudgetWait) =
        let (WaitNotice tell) = n
        tell wait

/// One request to a chat model: system + user text, optional structured output schema.
type ChatRequest = {
    Role: ModelRole
    Step: string
    System: string
    User: string
    Schema: Schema option
    Temperature: float
    MaxTokens: int option
    /// The run's preset, model override and extra sampling settings.
    Tuning: CallTuning
    /// Where a wait for provider budget is reported.
    OnWait: WaitNotice
    /// Ground the answer with the provider's web search (Gemini `google_search`, OpenRouter's web plugin); a
    /// provider without search ignores it (the pipeline asks only providers that can).
    Search: bool
}

/// Token counts reported by a provider.
type TokenUsage = { Input: int; Output: int }

/// A chat model's answer.
type ChatResponse = {
    Text: string
    Model: string
    Provider: string
    Usage: TokenUsage
    LatencyMs: int64
    /// What the provider's web search contributed, when the request searched and the provider reported it.
    Search: SearchEvidence option
}

/// One request for an image.
type ImageRequest = {
    Prompt: string
    AspectRatio: string
    NegativePrompt: string option
    /// The compact form (at most 150 words) for image models with short text windows, when there is one.
    Compact: string option
    /// The run's preset and image model override.
    Tuning: CallTuning
    /// Where a wait for provider budget is reported.
    OnWait: WaitNotice
}

/// Generated image bytes.
type ImageResponse = {
    Bytes: byte[]
    MimeType: string
    Model: string
    Provider: string
    LatencyMs: int64
}

/// Why a provider withheld its answer.
[<RequireQualifiedAccess>]
type BlockReason =
    /// Gemini `SAFETY` (answer) or a safety category of the prompt.
    | Safety
    /// Gemini `RECITATION`: the answer would repeat protected material.
    | Recitation
    /// Gemini `PROHIBITED_CONTENT`, `BLOCKLIST`, `SPII`.
    | ProhibitedContent
    /// Gemini `IMAGE_SAFETY` and its image siblings.
    | ImageSafety
    /// Gemini `promptFeedback.blockReason`: the prompt itself was blocked.
    | PromptBlocked
    /// OpenAI `message.refusal`: the model declined, in its own words.
    | Refusal
    /// OpenAI-compatible `finish_reason: content_filter`.
    | ContentFilter

/// Why a provider call failed. Keys never appear in these values.
[<RequireQualifiedAccess>]
type ProviderError =
    | MissingKey of provider: string
    | AuthFailed of provider: string * status: int
    | RateLimited of provider: string * retryAfter: TimeSpan option
    | Unavailable of provider: string * status: int option * message: string
    | Timeout of provider: string * after: TimeSpan
    | BadRequest of provider: string * status: int * message: string
    | BadResponse of provider: string * message: string
    | CircuitOpen of provider: string
    | Cancelled
    /// The provider withheld the answer (safety, recitation, refusal, filter); `detail` is its own text or code.
    | Blocked of provider: string * reason: BlockReason * detail: string
    /// The answer stopped at the output-token limit (`length`, `MAX_TOKENS`); `limit` is the step's answer budget.
    | Truncated of provider: string * limit: int option
    /// Billing quota or credit exhausted (OpenAI 429 `insufficient_quota`, OpenRouter 402): not worth a retry.
    | QuotaExhausted of provider: string * message: string
    /// The provider's moderation flagged the input (OpenRouter 403), with the reasons it gave.
    | Moderated of provider: string * reasons: string list
    /// The upstream model failed inside a 200 answer (OpenRouter `choices[0].error`).
    | UpstreamError of provider: string * code: int option * message: string

/// Sends one chat request.
type CompleteChat = ChatRequest -> CancellationToken -> Task<Result<ChatResponse, ProviderError>>

/// Generates one image.
type GenerateImage = ImageRequest -> CancellationToken -> Task<Result<ImageResponse, ProviderError>>

[<RequireQualifiedAccess>]
module BlockReason =
    /// A stable snake_case name.
    let name =
        function
        | BlockReason.Safety -> "safety"
        | BlockReason.Recitation -> "recitation"
        | BlockReason.ProhibitedContent -> "prohibited_content"
        | BlockReason.ImageSafety -> "image_safety"
        | BlockReason.PromptBlocked -> "prompt_blocked"
        | BlockReason.Refusal -> "refusal"
        | BlockReason.ContentFilter -> "content_filter"

[<RequireQualifiedAccess>]
module ProviderError =
    /// True for failures worth retrying on the same provider (rate limits, 5xx, timeouts, malformed bodies);
    /// blocks, truncation (widened once by the router instead), quota and moderation never are.
    let isTransient =
        function
        | ProviderError.RateLimited _
        | ProviderError.Unavailable _
        | ProviderError.Timeout _
        | ProviderError.BadResponse _ -> true
        | _ -> false

    /// How long the provider asked to wait before the next call (a rate limit's Retry-After), when it said.
    let retryAfter =
        function
        | ProviderError.RateLimited(_, wait) -> wait
        | _ -> None

    /// One line for logs and users; never contains a key.
    let describe =
        function
        | ProviderError.MissingKey p -> $"[{p}] no API key configured"
        | ProviderError.AuthFailed(p, s) -> $"[{p}] ({s}) authentication failed - check the API key"
        | ProviderError.RateLimited(p, Some d) -> $"[{p}] (429) rate limit exceeded, retry after {int d.TotalSeconds}s"
        | ProviderError.RateLimited(p, None) -> $"[{p}] (429) rate limit exceeded"
        | ProviderError.Unavailable(p, Some s, m) -> $"[{p}] ({s}) {m}"
        | ProviderError.Unavailable(p, None, m) -> $"[{p}] {m}"
        | ProviderError.Timeout(p, d) -> $"[{p}] no answer within {d.TotalSeconds:F0}s"
        | ProviderError.BadRequest(p, s, m) -> $"[{p}] ({s}) {m}"
        | ProviderError.BadResponse(p, m) -> $"[{p}] malformed response: {m}"
        | ProviderError.CircuitOpen p -> $"[{p}] circuit open after repeated failures"
        | ProviderError.Cancelled -> "cancelled"
        | ProviderError.Blocked(p, reason, detail) when String.IsNullOrWhiteSpace detail ->
            $"[{p}] blocked ({BlockReason.name reason})"
        | ProviderError.Blocked(p, reason, detail) -> $"[{p}] blocked ({BlockReason.name reason}): {detail}"
        | ProviderError.Truncated(p, Some n) -> $"[{p}] the answer was cut off at the output limit of {n} tokens"
        | ProviderError.Truncated(p, None) -> $"[{p}] the answer was cut off at the output limit"
        | ProviderError.QuotaExhausted(p, m) -> $"[{p}] quota exhausted: {m}"
        | ProviderError.Moderated(p, []) -> $"[{p}] the input was flagged by moderation"
        | ProviderError.Moderated(p, reasons) ->
            let listed = String.Join(", ", reasons)
            $"[{p}] the input was flagged by moderation: {listed}"
        | ProviderError.UpstreamError(p, Some c, m) -> $"[{p}] the upstream model failed ({c}): {m}"
        | ProviderError.UpstreamError(p, None, m) -> $"[{p}] the upstream model failed: {m}"

    /// The stored kind of the case (None for a cancellation, which is not a provider failure).
    let tryKind =
        function
        | ProviderError.MissingKey _ -> Some ProviderErrorKind.MissingKey
        | ProviderError.AuthFailed _ -> Some ProviderErrorKind.AuthFailed
        | ProviderError.RateLimited _ -> Some ProviderErrorKind.RateLimited
        | ProviderError.Unavailable _ -> Some ProviderErrorKind.Unavailable
        | ProviderError.Timeout _ -> Some ProviderErrorKind.Timeout
        | ProviderError.BadRequest _ -> Some ProviderErrorKind.BadRequest
        | ProviderError.BadResponse _ -> Some ProviderErrorKind.BadResponse
        | ProviderError.CircuitOpen _ -> Some ProviderErrorKind.CircuitOpen
        | ProviderError.Cancelled -> None
        | ProviderError.Blocked _ -> Some ProviderErrorKind.Blocked
        | ProviderError.Truncated _ -> Some ProviderErrorKind.Truncated
        | ProviderError.QuotaExhausted _ -> Some ProviderErrorKind.QuotaExhausted
        | ProviderError.Moderated _ -> Some ProviderErrorKind.Moderated
        | ProviderError.UpstreamError _ -> Some ProviderErrorKind.UpstreamError

    /// A stable snake_case name of the case, for metrics (the stored kind's name; "cancelled" for a cancellation).
    let kind e =
        tryKind e
        |> Option.map ProviderErrorKind.name
        |> Option.defaultValue "cancelled"

    /// The provider the error names ("none" for a cancellation).
    let provider =
        function
        | ProviderError.MissingKey p
        | ProviderError.AuthFailed(p, _)
        | ProviderError.RateLimited(p, _)
        | ProviderError.Unavailable(p, _, _)
        | ProviderError.Timeout(p, _)
        | ProviderError.BadRequest(p, _, _)
        | ProviderError.BadResponse(p, _)
        | ProviderError.CircuitOpen p
        | ProviderError.Blocked(p, _, _)
        | ProviderError.Truncated(p, _)
        | ProviderError.QuotaExhausted(p, _)
        | ProviderError.Moderated(p, _)
        | ProviderError.UpstreamError(p, _, _) -> p
        | ProviderError.Cancelled -> "none"
