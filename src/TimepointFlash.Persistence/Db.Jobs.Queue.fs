namespace TimepointFlash.Persistence

open System
open System.Threading.Tasks
open FsToolkit.ErrorHandling
open TimepointFlash

/// The durable queue: enqueue, claim with a lease, heartbeat, complete, fail, release, reap.
[<RequireQualifiedAccess>]
module Jobs =
    // Claimable: queued, or running with an expired lease and attempts left. SKIP LOCKED lets concurrent
    // claimers on PostgreSQL pass over rows another transaction is taking.
    let private claimable =
        "(status = 'queued' OR (status = 'running' AND lease_until < @now AND attempts < max_attempts))"

    let private claimSql (dialect: Dialect) =
        let lockClause =
            match dialect with
            | Dialect.Postgres -> "FOR UPDATE SKIP LOCKED"
            | Dialect.Sqlite -> ""

        $"""
        UPDATE generation_jobs SET
            status = 'running', attempts = attempts + 1, worker = @worker, lease_until = @lease,
            updated_at = @now,
            last_error = CASE WHEN status = 'running'
                              THEN 'lease of ' || COALESCE(worker, 'a worker') || ' expired'
                              ELSE last_error END
        WHERE id = (SELECT id FROM generation_jobs WHERE {claimable}
                    ORDER BY created_at, id LIMIT 1 {lockClause})
          AND {claimable}
        RETURNING {JobRow.columns}
        """

    let private mapTask (f: 'A -> 'B) (t: Task<'A>) = task {
        let! x = t
        return f x
    }

    let private single (rows: Result<Job, DbError> list) =
        rows |> List.sequenceResultM |> Result.map List.tryHead

    let private claim (db: Database) (worker: string) (lease: TimeSpan) = task {
        let now = db.Now()

        let! rows =
            Db.run db (fun s ->
                Db.query
                    s
                    (claimSql db.Dialect)
                    [
                        "worker", Sql.text worker
                        "lease", Sql.timestamp (now + lease)
                        "now", Sql.timestamp now
                    ]
                    JobRow.read)

        return rows |> Result.bind single
    }

    let private heartbeat (db: Database) (job: Job) (lease: TimeSpan) =
        Db.run db (fun s -> task {
            let now = db.Now()

            let! n =
                Db.execute
                    s
                    $"UPDATE generation_jobs SET lease_until = @lease, updated_at = @now WHERE {JobRow.owned}"
                    (JobRow.ownerParameters job
                     @ [ "lease", Sql.timestamp (now + lease); "now", Sql.timestamp now ])

            return n = 1
        })

    let private completeWith (db: Database) (job: Job) (finish: Session -> Task<unit>) =
        Db.transact db (fun s -> task {
            let! n =
                Db.execute
                    s
                    $"""
                    UPDATE generation_jobs SET status = 'completed', lease_until = NULL, updated_at = @now
                    WHERE {JobRow.owned}
                    """
                    (JobRow.ownerParameters job @ [ "now", Sql.timestamp (db.Now()) ])

            if n = 1 then
                do! finish s
                return Ok true
            else
                return Ok false
        })

    let private fail (db: Database) (job: Job) (failure: JobFailure) =
        Db.transact db (fun s -> task {
            let now = db.Now()
            let reason = JobFailure.reason failure

            let retry =
                match failure with
                | JobFailure.Retryable _
                | JobFailure.Interrupted _ -> job.Attempts < job.MaxAttempts
                | JobFailure.Permanent _ -> false

            let status = if retry then JobStatus.Queued else JobStatus.Failed

            let! n =
                Db.execute
                    s
                    $"""
                    UPDATE generation_jobs
                    SET status = @status, last_error = @reason, lease_until = NULL, worker = NULL, updated_at = @now
                    WHERE {JobRow.owned}
                    """
                    (JobRow.ownerParameters job
                     @ [
                         "status", Sql.text (JobStatus.name status)
                         "reason", Sql.text reason
                         "now", Sql.timestamp now
                     ])

            if n = 0 then
                return Ok None
            elif retry then
                return Ok(Some status)
            else
                let! _ =
                    JobRow.failTimepointIn
                        s
                        now
                        job.TimepointId
                        $"generation failed after {job.Attempts} attempt(s): {reason}"

                return Ok(Some status)
        })

    let private release (db: Database) (job: Job) =
        Db.run db (fun s -> task {
            let! n =
                Db.execute
                    s
                    $"""
                    UPDATE generation_jobs
                    SET status = 'queued', attempts = attempts - 1, lease_until = NULL, worker = NULL, updated_at = @now
                    WHERE {JobRow.owned}
                    """
                    (JobRow.ownerParameters job @ [ "now", Sql.timestamp (db.Now()) ])

            return n = 1
        })

    let private reapExpired (db: Database) () =
        Db.transact db (fun s -> task {
            let now = db.Now()

            let lockClause =
                match db.Dialect with
                | Dialect.Postgres -> "FOR UPDATE SKIP LOCKED"
                | Dialect.Sqlite -> ""

            let! expired =
                Db.query
                    s
                    $"""
                    SELECT {JobRow.columns} FROM generation_jobs
                    WHERE status = 'running' AND lease_until < @now AND attempts >= max_attempts
                    {lockClause}
                    """
                    [ "now", Sql.timestamp now ]
                    JobRow.read

            match List.sequenceResultM expired with
            | Error e -> return Error e
            | Ok jobs ->
                for job in jobs do
                    let worker = job.Worker |> Option.defaultValue "a worker"

                    let reason =
                        $"gave up after {job.Attempts} attempt(s): the lease of {worker} expired"

                    let! _ =
                        Db.execute s """
                            UPDATE generation_jobs
                            SET status = 'failed', last_error = @reason, lease_until = NULL, updated_at = @now
                            WHERE id = @id
                            """ [ "id", Sql.uuid job.Id; "reason", Sql.text reason; "now", Sql.timestamp now ]

                    let! _ = JobRow.failTimepointIn s now job.TimepointId reason
                    ()

                return Ok(List.length jobs)
        })

    let private query (db: Database) (where: string) ps =
        Db.run db (fun s -> Db.query s $"SELECT {JobRow.columns} FROM generation_jobs WHERE {where}" ps JobRow.read)
        |> mapTask (Result.bind List.sequenceResultM)

    let private enqueueGeneration (db: Database) (signal: JobSignal) (t: Timepoint) (j: NewJob) also = task {
        let! outcome =
            Db.transact db (fun s -> task {
                match! Timepoints.insertIn s t with
                | Error e -> return Error e
                | Ok stored ->
                    let! job = JobRow.insertIn s (db.Now()) stored.Id j
                    do! also s stored
                    return Ok(stored, job)
            })

        if Result.isOk outcome then
            signal.Notify()

        return outcome
    }

    let private enqueue (db: Database) (signal: JobSignal) (timepointId: Guid) (j: NewJob) = task {
        let! outcome = Db.run db (fun s -> JobRow.insertIn s (db.Now()) timepointId j)

        if Result.isOk outcome then
            signal.Notify()

        return outcome
    }

    /// The job store over a database; enqueues notify the signal so this process's idle workers wake at once.
    let store (db: Database) (signal: JobSignal) : JobStore = {
        EnqueueGeneration = fun t j -> enqueueGeneration db signal t j (fun _ _ -> Task.FromResult())
        EnqueueGenerationWith = enqueueGeneration db signal
        Enqueue = enqueue db signal
        Claim = claim db
        Heartbeat = heartbeat db
        Complete = fun job -> completeWith db job (fun _ -> Task.FromResult())
        CompleteWith = completeWith db
        Fail = fail db
        Release = release db
        ReapExpired = reapExpired db
        TryGet = fun id -> query db "id = @id" [ "id", Sql.uuid id ] |> mapTask (Result.map List.tryHead)
        ForTimepoint = fun id -> query db "timepoint_id = @id ORDER BY created_at, id" [ "id", Sql.uuid id ]
    }
