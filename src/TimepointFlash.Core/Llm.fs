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

/// A JSON schema subset that both Gemini's responseSchema and OpenAI's json_schema can express.
[<RequireQualifiedAccess>]
type Schema =
    | String of description: string option
    | Enum of values: string list
    | Integer of min: int option * max: int option
    | Number of min: float option * max: float option
    | Boolean
    | Array of items: Schema * maxItems: int option
    | Object of properties: (string * Schema) list * required: string list
    | Nullable of Schema

/// One request to a chat model: system + user text, optional structured output schema.
type ChatRequest = {
    Role: ModelRole
    Step: string
    System: string
    User: string
    Schema: Schema option
    Temperature: float
    MaxTokens: int option
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
}

/// One request for an image.
type ImageRequest = {
    Prompt: string
    AspectRatio: string
    NegativePrompt: string option
}

/// Generated image bytes.
type ImageResponse = {
    Bytes: byte[]
    MimeType: string
    Model: string
    Provider: string
    LatencyMs: int64
}

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

/// Sends one chat request.
type CompleteChat = ChatRequest -> CancellationToken -> Task<Result<ChatResponse, ProviderError>>

/// Generates one image.
type GenerateImage = ImageRequest -> CancellationToken -> Task<Result<ImageResponse, ProviderError>>

[<RequireQualifiedAccess>]
module ProviderError =
    /// True for failures worth retrying on the same provider (rate limits, 5xx, timeouts).
    let isTransient =
        function
        | ProviderError.RateLimited _
        | ProviderError.Unavailable _
        | ProviderError.Timeout _
        | ProviderError.BadResponse _ -> true
        | _ -> false

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
