namespace TimepointFlash.Interop

open System
open System.Collections.Concurrent
open System.Threading
open TimepointFlash

/// What went wrong in one facade run, kept typed so the exception it ends in can say why: the failure of each
/// failed step, and the exceptions the caller's chat client threw (by step name).
type internal RunCauses() =
    let failures = ConcurrentDictionary<Step, StepRecord>()
    let thrown = ConcurrentQueue<string * exn>()

    /// Records a step's failure record (the last one of a step wins).
    member _.Failed(record: StepRecord) = failures[record.Step] <- record

    /// Records an exception the chat client threw while answering a step (empty when unknown).
    member _.Threw(step: string, e: exn) = thrown.Enqueue(step, e)

    /// The failure record of a step, if it failed.
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

    /// The facade's kind for the provider failure kind stored with a failed timepoint.
    let kind (e: ProviderErrorKind) =
        match e with
        | ProviderErrorKind.MissingKey -> ProviderFailureKind.MissingKey
        | ProviderErrorKind.AuthFailed -> ProviderFailureKind.Authentication
        | ProviderErrorKind.RateLimited -> ProviderFailureKind.RateLimit
        | ProviderErrorKind.Unavailable -> ProviderFailureKind.Unavailable
        | ProviderErrorKind.Timeout -> ProviderFailureKind.Timeout
        | ProviderErrorKind.BadRequest -> ProviderFailureKind.BadRequest
        | ProviderErrorKind.BadResponse -> ProviderFailureKind.BadResponse
        | ProviderErrorKind.CircuitOpen -> ProviderFailureKind.CircuitOpen
        | ProviderErrorKind.Blocked -> ProviderFailureKind.Blocked
        | ProviderErrorKind.Truncated -> ProviderFailureKind.Truncated
        | ProviderErrorKind.QuotaExhausted -> ProviderFailureKind.QuotaExhausted
        | ProviderErrorKind.Moderated -> ProviderFailureKind.Moderated
        | ProviderErrorKind.UpstreamError -> ProviderFailureKind.UpstreamError
