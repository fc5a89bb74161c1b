namespace TimepointFlash.Interop

open System
open System.Collections.Concurrent
open System.Threading
open TimepointFlash

/// What went wrong in one facade run, kept typed so the exception it ends in can say why: the failure of each
/// failed step, and the exceptions the caller's chat client threw (by step name).
type internal RunCauses() =
    let failures = ConcurrentDictionary<Step, GenerationFailure>()
    let thrown = ConcurrentQueue<string * exn>()

    /// Records a step's failure (the last one of a step wins).
    member _.Failed(step: Step, failure: GenerationFailure) = failures[step] <- failure

    /// Records an exception the chat client threw while answering a step (empty when unknown).
    member _.Threw(step: string, e: exn) = thrown.Enqueue(step, e)

    /// The typed failure of a step, if it failed.
    member _.FailureOf(step: Step) =
        match failures.TryGetValue step with
        | true, f -> Some f
        | _ -> None

    /// The last exception thrown while answering the step (or, with no step, the last one at all).
    member _.ThrownFor(step: string) =
        let all = thrown |> Seq.toList

        all
        |> List.filter (fun (s, _) -> s = step)
        |> List.tryLast
        |> Option.orElse (List.tryLast all)
        |> Option.map snd

[<RequireQualifiedAccess>]
module internal Causes =
    /// The causes of the run on this asynchronous flow (null outside a facade run).
    let current = AsyncLocal<RunCauses | null>()

    /// Records an exception of the caller's chat client against the current run, if any.
    let threw (step: string) (e: exn) =
        match current.Value with
        | null -> ()
        | run -> run.Threw(step, e)

    /// The facade's kind for a typed provider error.
    let kind (e: ProviderError) =
        match e with
        | ProviderError.MissingKey _ -> ProviderFailureKind.MissingKey
        | ProviderError.AuthFailed _ -> ProviderFailureKind.Authentication
        | ProviderError.RateLimited _ -> ProviderFailureKind.RateLimit
        | ProviderError.Unavailable _ -> ProviderFailureKind.Unavailable
        | ProviderError.Timeout _ -> ProviderFailureKind.Timeout
        | ProviderError.BadRequest _ -> ProviderFailureKind.BadRequest
        | ProviderError.BadResponse _ -> ProviderFailureKind.BadResponse
        | ProviderError.CircuitOpen _ -> ProviderFailureKind.CircuitOpen
        | ProviderError.Cancelled -> ProviderFailureKind.Unknown
        | ProviderError.Blocked _ -> ProviderFailureKind.Blocked
        | ProviderError.Truncated _ -> ProviderFailureKind.Truncated
        | ProviderError.QuotaExhausted _ -> ProviderFailureKind.QuotaExhausted
        | ProviderError.Moderated _ -> ProviderFailureKind.Moderated
        | ProviderError.UpstreamError _ -> ProviderFailureKind.UpstreamError

    /// The wait a rate limit asked for.
    let retryAfter (e: ProviderError) =
        match e with
        | ProviderError.RateLimited(_, Some d) -> Nullable d
        | _ -> Nullable()

    /// The provider error inside a generation failure, when a provider caused it.
    let providerError (f: GenerationFailure) =
        match f with
        | GenerationFailure.Agent(_, AgentError.Provider e)
        | GenerationFailure.Provider(_, e) -> Some e
        | _ -> None
