namespace TimepointFlash.Persistence

open System
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// How a run finished its job.
[<RequireQualifiedAccess>]
type JobOutcome =
    /// Mark the job completed.
    | Done
    /// Mark the job completed and run this write in the same transaction (only if the lease is still ours).
    | DoneWith of finish: (Session -> Task<unit>)

/// Runs one claimed job; the token is cancelled on shutdown or when the lease is lost.
type JobRunner = Job -> CancellationToken -> Task<Result<JobOutcome, JobFailure>>

/// Worker pool settings.
type WorkerOptions = {
    /// Prefix of each loop's worker id (loops are "<id>/1" … "<id>/N").
    WorkerId: string
    /// Number of concurrent loops (GENERATION_CONCURRENCY).
    Concurrency: int
    /// Lease taken on claim and renewed by each heartbeat.
    Lease: TimeSpan
    HeartbeatEvery: TimeSpan
    /// Idle polling starts here and doubles up to IdlePollMax; an enqueue in this process wakes a loop at once.
    IdlePollMin: TimeSpan
    IdlePollMax: TimeSpan
}

/// What the pool did, for logs and metrics.
[<RequireQualifiedAccess>]
type WorkerEvent =
    | Claimed of Job
    | Completed of Job
    | Failed of Job * JobFailure * JobStatus
    | LeaseLost of Job
    | Released of Job
    | Reaped of count: int
    | RunnerCrashed of Job * exn
    | StoreError of DbError

/// Why GENERATION_CONCURRENCY was refused.
[<RequireQualifiedAccess>]
type ConcurrencyError =
    | NotANumber of text: string
    | OutOfRange of value: int

/// A pool of loops that claim durable jobs, run them with a heartbeat, and finish them.
[<RequireQualifiedAccess>]
module Worker =
    /// Loops when GENERATION_CONCURRENCY is unset.
    let defaultConcurrency = 4

    /// Reads GENERATION_CONCURRENCY: unset/blank → 4; otherwise 1–256.
    let concurrencyOf (value: string option) : Result<int, ConcurrencyError> =
        match value |> Option.map (fun s -> s.Trim()) with
        | None
        | Some "" -> Ok defaultConcurrency
        | Some s ->
            match Int32.TryParse s with
            | true, n when n >= 1 && n <= 256 -> Ok n
            | true, n -> Error(ConcurrencyError.OutOfRange n)
            | _ -> Error(ConcurrencyError.NotANumber s)

    /// One line naming GENERATION_CONCURRENCY.
    let describeConcurrencyError =
        function
        | ConcurrencyError.NotANumber s -> $"GENERATION_CONCURRENCY: '{s}' is not a whole number"
        | ConcurrencyError.OutOfRange n -> $"GENERATION_CONCURRENCY: {n} is outside 1–256"

    let private shortId () =
        Guid.NewGuid().ToString("N").Substring(0, 8)

    /// Options with a unique worker id for this process: 30 s lease, 10 s heartbeat, 50 ms–2 s idle polling.
    let defaults (concurrency: int) = {
        WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{shortId ()}"
        Concurrency = concurrency
        Lease = TimeSpan.FromSeconds 30.0
        HeartbeatEvery = TimeSpan.FromSeconds 10.0
        IdlePollMin = TimeSpan.FromMilliseconds 50.0
        IdlePollMax = TimeSpan.FromSeconds 2.0
    }

    let private heartbeatLoop
        (jobs: JobStore)
        (options: WorkerOptions)
        (onEvent: WorkerEvent -> unit)
        (job: Job)
        (lost: bool ref)
        (runCts: CancellationTokenSource)
        (stop: CancellationToken)
        =
        task {
            try
                while not stop.IsCancellationRequested && not lost.Value do
                    do! Task.Delay(options.HeartbeatEvery, stop)

                    match! jobs.Heartbeat job options.Lease with
                    | Ok true -> ()
                    | Ok false ->
                        lost.Value <- true
                        onEvent (WorkerEvent.LeaseLost job)
                        runCts.Cancel()
                    | Error e -> onEvent (WorkerEvent.StoreError e)
            with :? OperationCanceledException ->
                ()
        }

    let private report (onEvent: WorkerEvent -> unit) (event: Result<'T, DbError>) (ok: 'T -> unit) =
        match event with
        | Ok v -> ok v
        | Error e -> onEvent (WorkerEvent.StoreError e)

    let private finish jobs onEvent (job: Job) (outcome: Result<JobOutcome, JobFailure>) = task {
        match outcome with
        | Ok JobOutcome.Done ->
            let! r = jobs.Complete job

            report onEvent r (fun ok ->
                onEvent (
                    if ok then
                        WorkerEvent.Completed job
                    else
                        WorkerEvent.LeaseLost job
                ))
        | Ok(JobOutcome.DoneWith write) ->
            let! r = jobs.CompleteWith job write

            report onEvent r (fun ok ->
                onEvent (
                    if ok then
                        WorkerEvent.Completed job
                    else
                        WorkerEvent.LeaseLost job
                ))
        | Error failure ->
            let! r = jobs.Fail job failure

            report onEvent r (fun status ->
                match status with
                | Some st -> onEvent (WorkerEvent.Failed(job, failure, st))
                | None -> onEvent (WorkerEvent.LeaseLost job))
    }

    /// Puts a job interrupted by a storage outage back in the queue, retrying while the database is down (until the
    /// lease would expire anyway, or shutdown); a job that cannot be released is reclaimed after its lease.
    let private releaseInterrupted (jobs: JobStore) options onEvent (job: Job) (shutdown: CancellationToken) = task {
        let deadline = DateTimeOffset.UtcNow + options.Lease
        let mutable pending = true

        while pending
              && DateTimeOffset.UtcNow < deadline
              && not shutdown.IsCancellationRequested do
            match! jobs.Release job with
            | Ok released ->
                pending <- false

                onEvent (
                    if released then
                        WorkerEvent.Released job
                    else
                        WorkerEvent.LeaseLost job
                )
            | Error e ->
                onEvent (WorkerEvent.StoreError e)

                try
                    do! Task.Delay(options.IdlePollMax, shutdown)
                with :? OperationCanceledException ->
                    ()
    }

    /// Runs one claimed job with a heartbeat, then completes, fails or (on shutdown) releases it.
    let private runOne jobs options (runner: JobRunner) onEvent (job: Job) (shutdown: CancellationToken) = task {
        use runCts = CancellationTokenSource.CreateLinkedTokenSource shutdown
        use beatCts = new CancellationTokenSource()
        let lost = ref false
        let beat = heartbeatLoop jobs options onEvent job lost runCts beatCts.Token

        let! outcome = task {
            try
                let! r = runner job runCts.Token
                return Choice1Of2 r
            with
            | :? OperationCanceledException when runCts.IsCancellationRequested -> return Choice2Of2 None
            | e -> return Choice2Of2(Some e)
        }

        beatCts.Cancel()
        do! beat

        match outcome with
        | _ when lost.Value -> ()
        | Choice1Of2(Ok o) -> do! finish jobs onEvent job (Ok o)
        | Choice1Of2(Error _)
        | Choice2Of2 None when shutdown.IsCancellationRequested ->
            let! r = jobs.Release job
            report onEvent r (fun _ -> onEvent (WorkerEvent.Released job))
        | Choice1Of2(Error(JobFailure.Interrupted _)) -> do! releaseInterrupted jobs options onEvent job shutdown
        | Choice1Of2(Error f) -> do! finish jobs onEvent job (Error f)
        | Choice2Of2 None ->
            let! r = jobs.Release job
            report onEvent r (fun _ -> onEvent (WorkerEvent.Released job))
        | Choice2Of2(Some e) ->
            onEvent (WorkerEvent.RunnerCrashed(job, e))
            let reason = $"the runner crashed: {e.GetType().Name}: {e.Message}"
            do! finish jobs onEvent job (Error(JobFailure.Retryable reason))
    }

    let private idleWait (signal: JobSignal) (delay: TimeSpan) (ct: CancellationToken) = task {
        try
            let! _ = signal.WaitAsync(delay, ct)
            ()
        with :? OperationCanceledException ->
            ()
    }

    let private loop jobs (signal: JobSignal) options runner onEvent (index: int) (ct: CancellationToken) = task {
        let workerId = $"{options.WorkerId}/{index}"
        let mutable idle = options.IdlePollMin

        let backOff () =
            idle <- TimeSpan.FromTicks(min options.IdlePollMax.Ticks (idle.Ticks * 2L))

        let step () = task {
            match! jobs.Claim workerId options.Lease with
            | Ok(Some job) ->
                onEvent (WorkerEvent.Claimed job)
                do! runOne jobs options runner onEvent job ct
                idle <- options.IdlePollMin
            | Ok None ->
                let! reaped = jobs.ReapExpired()

                report onEvent reaped (fun n ->
                    if n > 0 then
                        onEvent (WorkerEvent.Reaped n))

                do! idleWait signal idle ct
                backOff ()
            | Error e ->
                onEvent (WorkerEvent.StoreError e)
                do! idleWait signal idle ct
                backOff ()
        }

        while not ct.IsCancellationRequested do
            try
                do! step ()
            with
            | :? OperationCanceledException when ct.IsCancellationRequested -> ()
            | e ->
                // A bug must not silently stop a loop: report it and keep polling.
                onEvent (WorkerEvent.StoreError(DbError.Failed $"{e.GetType().Name}: {e.Message}"))
                do! idleWait signal options.IdlePollMax ct
    }

    /// Starts the pool; the task completes once every loop has stopped after the token is cancelled (running jobs
    /// see the cancellation and are released back to the queue unless they finish).
    let run
        (jobs: JobStore)
        (signal: JobSignal)
        (options: WorkerOptions)
        (runner: JobRunner)
        (onEvent: WorkerEvent -> unit)
        (ct: CancellationToken)
        : Task =
        let loops = [|
            for i in 1 .. max 1 options.Concurrency ->
                Task.Run(fun () -> loop jobs signal options runner onEvent i ct :> Task)
        |]

        Task.WhenAll loops
