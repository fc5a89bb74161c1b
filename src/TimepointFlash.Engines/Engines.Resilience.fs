namespace TimepointFlash.Engines

open System
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// The effects resilience needs, injected so tests run fast and deterministically.
type Runtime = {
    Now: unit -> DateTimeOffset
    /// Waits between attempts; a cancelled token ends the wait early.
    Delay: TimeSpan -> CancellationToken -> Task
    /// A number in [0, 1) for jitter.
    Random: unit -> float
}

/// Retry and timeout limits for one provider call.
type RetryPolicy = {
    MaxRetries: int
    Timeout: TimeSpan
    BaseDelay: TimeSpan
    MaxDelay: TimeSpan
    /// A Retry-After longer than this is not waited for: the call gives up so the router can fall back.
    MaxRetryAfter: TimeSpan
}

/// What the provider layer reports to its log callback. No value here ever holds a key.
[<RequireQualifiedAccess>]
type ProviderEvent =
    | Retrying of provider: string * attempt: int * delay: TimeSpan * error: ProviderError
    /// A truncated answer is asked for once more with a larger output budget.
    | Widening of provider: string * from: int * target: int
    | FallingBack of from: string * target: string * error: ProviderError
    | CircuitOpened of provider: string * until: DateTimeOffset
    | CircuitClosed of provider: string
    | Failed of error: ProviderError
    /// A call waits for its provider budget (PROVIDER_LIMITS) before it goes out.
    | WaitingForBudget of provider: string * bucket: string * wait: TimeSpan
    /// The budget store could not be asked; the call went out without taking budget.
    | BudgetUnavailable of provider: string * reason: string

[<RequireQualifiedAccess>]
module ProviderEvent =
    /// One log line.
    let describe =
        function
        | ProviderEvent.Retrying(p, attempt, delay, e) ->
            $"[{p}] attempt {attempt} failed, retrying in {delay.TotalSeconds:F1}s: {ProviderError.describe e}"
        | ProviderEvent.Widening(p, from, target) ->
            $"[{p}] the answer was cut off at {from} tokens, asking again with {target}"
        | ProviderEvent.FallingBack(from, target, e) -> $"[{from}] falling back to {target}: {ProviderError.describe e}"
        | ProviderEvent.CircuitOpened(p, until) ->
            let stamp = until.ToUniversalTime().ToString "u"
            $"[{p}] circuit opened until {stamp}"
        | ProviderEvent.CircuitClosed p -> $"[{p}] circuit closed"
        | ProviderEvent.Failed e -> $"provider call failed: {ProviderError.describe e}"
        | ProviderEvent.WaitingForBudget(p, bucket, wait) ->
            $"[{p}] waiting for provider budget '{bucket}' ({wait.TotalSeconds:F1}s)"
        | ProviderEvent.BudgetUnavailable(p, reason) -> $"[{p}] provider budget unavailable, calling anyway: {reason}"

type private CircuitState =
    | Closed of failures: int
    | Open of until: DateTimeOffset
    | HalfOpen

/// A per-provider circuit breaker: opens after `threshold` consecutive transient failures,
/// lets one trial call through after `cooldown`, closes on a success.
[<Sealed>]
type CircuitBreaker(provider: string, threshold: int, cooldown: TimeSpan, now: unit -> DateTimeOffset) =
    let gate = obj ()
    let mutable state = Closed 0

    /// The provider this breaker guards.
    member _.Provider = provider

    /// True when a call may go out now (a half-open breaker admits one trial at a time).
    member _.TryAcquire() =
        lock gate (fun () ->
            match state with
            | Closed _ -> true
            | Open until when now () >= until ->
                state <- HalfOpen
                true
            | Open _
            | HalfOpen -> false)

    /// Records an outcome; returns the event when the state changed.
    member _.Record(outcome: Result<'a, ProviderError>) =
        lock gate (fun () ->
            match outcome, state with
            | Error ProviderError.Cancelled, HalfOpen ->
                state <- Open(now ())
                None
            | Error ProviderError.Cancelled, _ -> None
            | Error e, Closed n when ProviderError.isTransient e ->
                if n + 1 >= threshold then
                    let until = now () + cooldown
                    state <- Open until
                    Some(ProviderEvent.CircuitOpened(provider, until))
                else
                    state <- Closed(n + 1)
                    None
            | Error e, _ when ProviderError.isTransient e ->
                let until = now () + cooldown
                state <- Open until
                Some(ProviderEvent.CircuitOpened(provider, until))
            | _, Closed _ ->
                state <- Closed 0
                None
            | _ ->
                state <- Closed 0
                Some(ProviderEvent.CircuitClosed provider))

    /// "closed", "open" or "half-open".
    member _.State =
        lock gate (fun () ->
            match state with
            | Closed _ -> "closed"
            | Open until when now () >= until -> "half-open"
            | Open _ -> "open"
            | HalfOpen -> "half-open")

/// Per-call timeout, retries with backoff and jitter, and the circuit breaker.
[<RequireQualifiedAccess>]
module Resilience =
    /// Real clock, Task.Delay and a shared random source.
    let live: Runtime = {
        Now = fun () -> DateTimeOffset.UtcNow
        Delay = fun d ct -> Task.Delay(d, ct)
        Random = fun () -> Random.Shared.NextDouble()
    }

    /// The policy for the given settings: base 0.5 s doubling up to 8 s, Retry-After honoured up to 30 s.
    let policy (settings: Settings) = {
        MaxRetries = settings.MaxRetries
        Timeout = settings.Timeout
        BaseDelay = TimeSpan.FromSeconds 0.5
        MaxDelay = TimeSpan.FromSeconds 8.0
        MaxRetryAfter = TimeSpan.FromSeconds 30.0
    }

    /// The wait before retry number `attempt + 1`: Retry-After when given, else full jitter; None = give up.
    let backoff (policy: RetryPolicy) (random: unit -> float) (attempt: int) (error: ProviderError) =
        match error with
        | ProviderError.RateLimited(_, Some after) when after > policy.MaxRetryAfter -> None
        | ProviderError.RateLimited(_, Some after) -> Some after
        | _ ->
            let ceiling =
                min
                    policy.MaxDelay.TotalMilliseconds
                    (policy.BaseDelay.TotalMilliseconds * Math.Pow(2.0, float attempt))

            Some(TimeSpan.FromMilliseconds(ceiling * random ()))

    /// Runs one attempt under the per-call timeout; a timeout is `Timeout`, the caller's cancellation `Cancelled`.
    let withTimeout
        (timeout: TimeSpan)
        (provider: string)
        (call: CancellationToken -> Task<Result<'a, ProviderError>>)
        (ct: CancellationToken)
        =
        task {
            use cts = CancellationTokenSource.CreateLinkedTokenSource ct
            cts.CancelAfter timeout

            let! outcome = task {
                try
                    return! call cts.Token
                with :? OperationCanceledException ->
                    return Error ProviderError.Cancelled
            }

            return
                match outcome with
                | Error ProviderError.Cancelled when ct.IsCancellationRequested -> Error ProviderError.Cancelled
                | Error ProviderError.Cancelled -> Error(ProviderError.Timeout(provider, timeout))
                | other -> other
        }

    let private wait (runtime: Runtime) (delay: TimeSpan) (ct: CancellationToken) = task {
        try
            do! runtime.Delay delay ct
            return not ct.IsCancellationRequested
        with :? OperationCanceledException ->
            return false
    }

    /// Admits every attempt before it goes out, outside its timeout: Ok with what to do with the attempt's outcome,
    /// or the error that ends the call (the provider budget, `ProviderBudget.admit`).
    type Admit<'a> = CancellationToken -> Task<Result<Result<'a, ProviderError> -> Task, ProviderError>>

    /// Admits every attempt at once.
    let free: Admit<'a> =
        fun _ -> Task.FromResult(Ok(fun (_: Result<'a, ProviderError>) -> Task.CompletedTask))

    /// Retries transient failures while `more ()` holds (a stream stops once text was shown), each attempt admitted
    /// first; the final error is the last real one (fixes B5).
    let retryingAdmitted
        (admit: Admit<'a>)
        (more: unit -> bool)
        (runtime: Runtime)
        (policy: RetryPolicy)
        (log: ProviderEvent -> unit)
        (breaker: CircuitBreaker)
        (call: CancellationToken -> Task<Result<'a, ProviderError>>)
        (ct: CancellationToken)
        : Task<Result<'a, ProviderError>> =
        let provider = breaker.Provider

        let rec loop attempt (last: ProviderError option) = task {
            if ct.IsCancellationRequested then
                return Error ProviderError.Cancelled
            else
                match! admit ct with
                | Error e -> return Error e
                | Ok settle -> return! attempt' attempt last settle
        }

        and attempt' attempt last settle = task {
            if not (breaker.TryAcquire()) then
                do! settle (Error(ProviderError.CircuitOpen provider))
                return Error(defaultArg last (ProviderError.CircuitOpen provider))
            else
                let! outcome = withTimeout policy.Timeout provider call ct
                do! settle outcome
                breaker.Record outcome |> Option.iter log

                match outcome with
                | Error e when ProviderError.isTransient e && attempt < policy.MaxRetries && more () ->
                    match backoff policy runtime.Random attempt e with
                    | None -> return outcome
                    | Some delay ->
                        log (ProviderEvent.Retrying(provider, attempt + 1, delay, e))
                        let! waited = wait runtime delay ct

                        if waited then
                            return! loop (attempt + 1) (Some e)
                        else
                            return Error ProviderError.Cancelled
                | _ -> return outcome
        }

        loop 0 None

    /// Retries transient failures while `more ()` holds (a stream stops once text was shown); the final error is
    /// the last real one (fixes B5).
    let retryingWhile more runtime policy log breaker call ct =
        retryingAdmitted free more runtime policy log breaker call ct

    /// Retries transient failures (429, 5xx, timeout, malformed body); the final error is the last real one (fixes B5).
    let retrying runtime policy log breaker call ct =
        retryingWhile (fun () -> true) runtime policy log breaker call ct

    /// A truncated chat answer is asked for once more with twice the output budget; a second cut-off is reported.
    let widening
        (log: ProviderEvent -> unit)
        (call: ChatRequest -> CancellationToken -> Task<Result<ChatResponse, ProviderError>>)
        (request: ChatRequest)
        (ct: CancellationToken)
        =
        task {
            match! call request ct with
            | Error(ProviderError.Truncated(provider, _)) when request.MaxTokens.IsSome ->
                let limit = request.MaxTokens.Value
                log (ProviderEvent.Widening(provider, limit, limit * 2))

                return!
                    call
                        {
                            request with
                                MaxTokens = Some(limit * 2)
                        }
                        ct
            | outcome -> return outcome
        }
