namespace TimepointFlash.Persistence

open System
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// What a job does.
[<RequireQualifiedAccess>]
type JobKind =
    | Generate
    | Navigate

/// Life cycle of a job: queued → running → completed | failed (running → queued when a lease expires or a
/// retryable failure leaves attempts).
[<RequireQualifiedAccess>]
type JobStatus =
    | Queued
    | Running
    | Completed
    | Failed

/// A durable generation job; Attempts counts claims.
type Job = {
    Id: Guid
    Kind: JobKind
    /// JSON text the runner understands.
    Payload: string
    TimepointId: Guid
    Status: JobStatus
    Attempts: int
    MaxAttempts: int
    LeaseUntil: DateTimeOffset option
    Worker: string option
    LastError: string option
    CreatedAt: DateTimeOffset
    UpdatedAt: DateTimeOffset
}

/// A job to enqueue.
type NewJob = {
    Kind: JobKind
    Payload: string
    MaxAttempts: int
}

/// Why a run did not finish its job.
[<RequireQualifiedAccess>]
type JobFailure =
    /// Try again while attempts remain.
    | Retryable of reason: string
    /// Give up now.
    | Permanent of reason: string
    /// Storage failed under the run (an outage): put the job back without counting the attempt.
    | Interrupted of reason: string

/// Wakes this process's idle workers when a job is enqueued (other replicas find it by polling).
type JobSignal() =
    let semaphore = new SemaphoreSlim(0, Int32.MaxValue)

    /// Wakes one idle worker loop.
    member _.Notify() =
        if semaphore.CurrentCount < 64 then
            semaphore.Release() |> ignore

    /// Waits for a notification or the timeout; false on timeout.
    member _.WaitAsync(timeout: TimeSpan, ct: CancellationToken) = semaphore.WaitAsync(timeout, ct)

/// Job storage and the claim/lease protocol, built from one Database.
type JobStore = {
    /// Inserts a pending timepoint (slug made unique) and its job in one transaction.
    EnqueueGeneration: Timepoint -> NewJob -> Task<Result<Timepoint * Job, DbError>>
    /// Enqueues a job for an existing timepoint.
    Enqueue: Guid -> NewJob -> Task<Result<Job, DbError>>
    /// Takes the oldest queued job (or one whose lease expired with attempts left) for a worker and lease length.
    Claim: string -> TimeSpan -> Task<Result<Job option, DbError>>
    /// Extends the lease of a job the caller still owns; false when the lease was lost.
    Heartbeat: Job -> TimeSpan -> Task<Result<bool, DbError>>
    /// Completes an owned job; false (nothing written) when the lease was lost.
    Complete: Job -> Task<Result<bool, DbError>>
    /// Completes an owned job and runs the write in the same transaction; false (nothing written) when lost.
    CompleteWith: Job -> (Session -> Task<unit>) -> Task<Result<bool, DbError>>
    /// Re-queues (retryable, attempts left) or fails an owned job; a failed job fails its pending timepoint too.
    /// None when the lease was lost.
    Fail: Job -> JobFailure -> Task<Result<JobStatus option, DbError>>
    /// Puts an owned job back in the queue without counting the attempt (graceful shutdown).
    Release: Job -> Task<Result<bool, DbError>>
    /// Fails jobs whose lease expired with no attempts left, and their timepoints; returns how many.
    ReapExpired: unit -> Task<Result<int, DbError>>
    TryGet: Guid -> Task<Result<Job option, DbError>>
    ForTimepoint: Guid -> Task<Result<Job list, DbError>>
}

[<RequireQualifiedAccess>]
module JobKind =
    /// Database text.
    let name =
        function
        | JobKind.Generate -> "generate"
        | JobKind.Navigate -> "navigate"

    /// Reads database text.
    let tryParse =
        function
        | "generate" -> Some JobKind.Generate
        | "navigate" -> Some JobKind.Navigate
        | _ -> None

[<RequireQualifiedAccess>]
module JobStatus =
    /// Database text.
    let name =
        function
        | JobStatus.Queued -> "queued"
        | JobStatus.Running -> "running"
        | JobStatus.Completed -> "completed"
        | JobStatus.Failed -> "failed"

    /// Reads database text.
    let tryParse =
        function
        | "queued" -> Some JobStatus.Queued
        | "running" -> Some JobStatus.Running
        | "completed" -> Some JobStatus.Completed
        | "failed" -> Some JobStatus.Failed
        | _ -> None

[<RequireQualifiedAccess>]
module JobFailure =
    /// The reason text.
    let reason =
        function
        | JobFailure.Retryable r
        | JobFailure.Permanent r
        | JobFailure.Interrupted r -> r

/// Column list, row mapper and shared statements of generation_jobs.
[<RequireQualifiedAccess>]
module JobRow =
    /// Every column of a job.
    let columns =
        "id, kind, payload, timepoint_id, status, attempts, max_attempts, lease_until, worker, last_error, created_at, updated_at"

    /// Maps a row back to a Job.
    let read (r: Row) : Result<Job, DbError> =
        match JobKind.tryParse (r.text "kind"), JobStatus.tryParse (r.text "status") with
        | Some kind, Some status ->
            Ok {
                Id = r.uuid "id"
                Kind = kind
                Payload = r.text "payload"
                TimepointId = r.uuid "timepoint_id"
                Status = status
                Attempts = r.int "attempts"
                MaxAttempts = r.int "max_attempts"
                LeaseUntil = r.timestampOrNone "lease_until"
                Worker = r.textOrNone "worker"
                LastError = r.textOrNone "last_error"
                CreatedAt = r.timestamp "created_at"
                UpdatedAt = r.timestamp "updated_at"
            }
        | _ ->
            let id = r.text "id"
            Error(DbError.Corrupt $"generation_jobs row {id} has an unknown kind or status")

    /// The owner predicate: this claim of this worker is still running.
    let owned =
        "id = @id AND status = 'running' AND worker = @worker AND attempts = @attempts"

    /// Parameters of the owner predicate.
    let ownerParameters (j: Job) = [
        "id", Sql.uuid j.Id
        "worker", Sql.textOrNone j.Worker
        "attempts", Sql.int j.Attempts
    ]

    /// Inserts a queued job for a timepoint in a session.
    let insertIn (s: Session) (now: DateTimeOffset) (timepointId: Guid) (j: NewJob) = task {
        let job = {
            Id = Guid.NewGuid()
            Kind = j.Kind
            Payload = j.Payload
            TimepointId = timepointId
            Status = JobStatus.Queued
            Attempts = 0
            MaxAttempts = max 1 j.MaxAttempts
            LeaseUntil = None
            Worker = None
            LastError = None
            CreatedAt = now
            UpdatedAt = now
        }

        let! _ =
            Db.execute s """
                INSERT INTO generation_jobs (id, kind, payload, timepoint_id, status, attempts, max_attempts,
                                             created_at, updated_at)
                VALUES (@id, @kind, @payload, @timepoint_id, 'queued', 0, @max_attempts, @now, @now)
                """ [
                "id", Sql.uuid job.Id
                "kind", Sql.text (JobKind.name job.Kind)
                "payload", Sql.text job.Payload
                "timepoint_id", Sql.uuid timepointId
                "max_attempts", Sql.int job.MaxAttempts
                "now", Sql.timestamp now
            ]

        return job
    }

    /// Marks a job's timepoint failed with a reason unless it already finished.
    let failTimepointIn (s: Session) (now: DateTimeOffset) (timepointId: Guid) (reason: string) =
        Db.execute s """
            UPDATE timepoints SET status = 'failed', error_kind = 'interrupted', error_provider_kind = NULL, error_message = @reason, error_step = NULL,
                updated_at = @now
            WHERE id = @id AND status NOT IN ('completed', 'failed')
            """ [
            "id", Sql.uuid timepointId
            "reason", Sql.text reason
            "now", Sql.timestamp now
        ]
