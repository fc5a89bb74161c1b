namespace TimepointFlash

open System
open System.Security.Cryptography
open System.Text
open System.Text.Json.Nodes

/// Where to report a background run's end, and what to echo back.
type Callback = {
    Url: Uri
    /// The caller's `request_context`, echoed in the payload.
    Context: JsonNode option
}

/// What one delivery attempt's answer means.
[<RequireQualifiedAccess>]
type AttemptVerdict =
    | Delivered
    /// 5xx, timeouts and connection failures: try again later (within the retry window).
    | Retry
    /// 4xx, redirects and refused addresses: never retried.
    | GiveUp

/// Signed webhook deliveries: the payload, its signature headers and the retry schedule.
[<RequireQualifiedAccess>]
module Webhooks =
    /// Header carrying the signing time in unix seconds.
    let timestampHeader = "X-Timepoint-Timestamp"

    /// Header carrying `sha256=<hex HMAC>`.
    let signatureHeader = "X-Timepoint-Signature"

    /// Header carrying the delivery id, the same on every attempt.
    let idempotencyHeader = "Idempotency-Key"

    /// How long a delivery is retried after its first attempt.
    let retryWindow = TimeSpan.FromHours 24.0

    /// Longest wait between two attempts.
    let maxDelay = TimeSpan.FromHours 1.0

    /// `sha256=` and the lower-case hex HMAC-SHA256 with the secret over "<timestamp>.<body>".
    let sign (secret: string) (timestamp: int64) (body: string) =
        let mac =
            HMACSHA256.HashData(Encoding.UTF8.GetBytes secret, Encoding.UTF8.GetBytes $"{timestamp}.{body}")

        "sha256=" + Convert.ToHexString(mac).ToLowerInvariant()

    /// The wait after the n-th failed attempt (1-based): base · 2^(n−1), at most an hour.
    let retryDelay (baseDelay: TimeSpan) (attempt: int) =
        let exponent = min 30 (max 0 (attempt - 1))
        let ticks = float baseDelay.Ticks * Math.Pow(2.0, float exponent)
        TimeSpan.FromTicks(int64 (min ticks (float maxDelay.Ticks)))

    /// The next attempt's time, or None when it would fall outside the retry window.
    let nextAttempt (baseDelay: TimeSpan) (firstAttempt: DateTimeOffset) (now: DateTimeOffset) (attempt: int) =
        let at = now + retryDelay baseDelay attempt

        if at > firstAttempt + retryWindow then None else Some at

    /// A response status's verdict.
    let verdict (status: int) =
        if status >= 200 && status < 300 then
            AttemptVerdict.Delivered
        elif status >= 500 then
            AttemptVerdict.Retry
        else
            AttemptVerdict.GiveUp

    /// The body: a completed run gets the full timepoint with `request_context`; a failed one
    /// `{id, status:"failed", error, error_kind, request_context}`.
    let payload (t: Timepoint) (context: JsonNode option) : string =
        let context () =
            context |> Option.map (fun c -> c.DeepClone()) |> Option.toObj

        match t.Status, t.Error with
        | TimepointStatus.Failed, error ->
            Encode.obj [
                "id", Encode.string (string t.Id)
                "status", Encode.string "failed"
                "error", error |> Option.map GenerationError.describe |> Encode.opt Encode.string
                "error_kind",
                error
                |> Option.map (fun e -> FailureKind.name e.Kind)
                |> Encode.opt Encode.string
                "request_context", context ()
            ]
            |> Encode.toString
        | _ ->
            let node = TimepointWire.encode true t
            let o = node.AsObject()
            o["generation_time_ms"] <- JsonValue.Create(int64 (t.UpdatedAt - t.CreatedAt).TotalMilliseconds)
            o["request_context"] <- context ()
            Encode.toString node
