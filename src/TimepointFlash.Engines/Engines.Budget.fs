namespace TimepointFlash.Engines

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// The model-call budget the router enforces.
type ProviderBudget = {
    Limits: ProviderLimits
    Store: BudgetStore
    /// The longest a call waits for budget before it fails as rate limited (PROVIDER_BUDGET_WAIT_SECONDS).
    MaxWait: TimeSpan
}

[<RequireQualifiedAccess>]
module BudgetStore =
    /// Buckets in this process's memory (SQLite deployments run one process), under one lock per take.
    let memory (now: unit -> DateTimeOffset) : BudgetStore =
        let gate = obj ()
        let levels = Dictionary<string, BucketLevel>()

        let current bucket limit at =
            match levels.TryGetValue bucket with
            | true, l -> l
            | _ -> Bucket.full limit at

        {
            Take =
                fun bucket limit cost _ ->
                    lock gate (fun () ->
                        let at = now ()

                        match Bucket.take limit cost at (current bucket limit at) with
                        | Ok level ->
                            levels[bucket] <- level
                            TakeAnswer.Granted
                        | Error wait -> TakeAnswer.Wait wait)
                    |> Task.FromResult
            Settle =
                fun bucket limit tokens _ ->
                    lock gate (fun () ->
                        let at = now ()
                        levels[bucket] <- Bucket.settle limit tokens (current bucket limit at))

                    Task.CompletedTask
        }

/// Enforcement at the provider edge: every attempt of every call (chat, streamed chat, image) takes its budget first.
[<RequireQualifiedAccess>]
module ProviderBudget =
    /// No limits.
    let unlimited: ProviderBudget = {
        Limits = ProviderLimits.none
        Store = {
            Take = fun _ _ _ _ -> Task.FromResult TakeAnswer.Granted
            Settle = fun _ _ _ _ -> Task.CompletedTask
        }
        MaxWait = TimeSpan.FromMinutes 2.0
    }

    /// What a granted call does once it has an outcome (gives back an over-estimate of tokens).
    type Settle = TokenUsage option -> Task

    let private nothing: Settle = fun _ -> Task.CompletedTask

    /// Waits until the call's bucket grants its cost: Ok with how to settle it, or `RateLimited` when the wait
    /// would pass `MaxWait` (the router may fall back), or `Cancelled`. The first wait is told to the notice
    /// (the step shows `waiting for provider budget`) and to the log.
    let admit
        (clock: Runtime)
        (budget: ProviderBudget)
        (log: ProviderEvent -> unit)
        (notice: WaitNotice)
        (provider: string)
        (model: string)
        (cost: BucketCost)
        (ct: CancellationToken)
        : Task<Result<Settle, ProviderError>> =
        match ProviderLimits.bucketFor budget.Limits provider model with
        | None -> Task.FromResult(Ok nothing)
        | Some(bucket, limit) ->
            let taken = Bucket.clamp limit cost
            let deadline = clock.Now() + budget.MaxWait

            let settle: Settle =
                function
                | Some usage when limit.Tokens.IsSome ->
                    match ProviderLimits.refund taken usage with
                    | 0.0 -> Task.CompletedTask
                    | tokens -> budget.Store.Settle bucket limit tokens CancellationToken.None
                | _ -> Task.CompletedTask

            let rec loop told = task {
                if ct.IsCancellationRequested then
                    return Error ProviderError.Cancelled
                else
                    match! budget.Store.Take bucket limit cost ct with
                    | TakeAnswer.Granted -> return Ok settle
                    | TakeAnswer.Unavailable reason ->
                        log (ProviderEvent.BudgetUnavailable(provider, reason))
                        return Ok nothing
                    | TakeAnswer.Wait wait ->
                        let now = clock.Now()

                        if now + wait > deadline then
                            return Error(ProviderError.RateLimited(provider, Some wait))
                        else
                            if not told then
                                log (ProviderEvent.WaitingForBudget(provider, bucket, wait))

                                do!
                                    notice.Tell {
                                        Provider = provider
                                        Model = model
                                        Bucket = bucket
                                        Wait = wait
                                    }

                            // A little jitter so waiters on several replicas do not all ask at the same instant.
                            let pause = wait + TimeSpan.FromMilliseconds(5.0 + 20.0 * clock.Random())

                            let! slept = task {
                                try
                                    do! clock.Delay pause ct
                                    return not ct.IsCancellationRequested
                                with :? OperationCanceledException ->
                                    return false
                            }

                            if slept then
                                return! loop true
                            else
                                return Error ProviderError.Cancelled
            }

            loop false
