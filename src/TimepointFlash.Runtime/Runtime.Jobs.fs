namespace TimepointFlash.Runtime

open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Persistence

/// The body of a durable generation job.
[<RequireQualifiedAccess>]
module JobRunner =
    let private failWith (env: AppEnv) (t: Timepoint) (message: string) = task {
        do!
            env.Store.Update {
                t with
                    Status = TimepointStatus.Failed
                    Error = Some(GenerationFailure.toError (GenerationFailure.Interrupted message))
                    UpdatedAt = env.Now()
            }
    }

    /// Runs a claimed job: a timepoint already finished is not generated again (so a re-delivered job completes
    /// exactly once); a navigation job re-plans from its source.
    let private run (env: AppEnv) : JobRunner =
        fun job ct -> task {
            match StoreAdapter.decodePayload job.Payload with
            | Error errors ->
                return Error(JobFailure.Permanent $"unreadable job payload: {DecodeError.describeAll errors}")
            | Ok payload ->
                match! env.Store.Get payload.TimepointId with
                | None -> return Ok JobOutcome.Done
                | Some t when TimepointStatus.isFinal t.Status -> return Ok JobOutcome.Done
                | Some t ->
                    let! continuity = task {
                        match payload.Navigation with
                        | None -> return Ok None
                        | Some n ->
                            match! env.Store.Get n.SourceId with
                            | None -> return Error "the source timepoint no longer exists"
                            | Some source ->
                                return
                                    Navigation.plan source n.Direction n.Units n.Unit
                                    |> Result.map Some
                                    |> Result.mapError (function
                                        | AppError.Temporal e -> TemporalError.describe e
                                        | AppError.NotCompleted _ -> "the source timepoint is not completed"
                                        | AppError.NoDate _ -> "the source timepoint has no date"
                                        | AppError.NotFound w -> $"{w} not found")
                    }

                    match continuity with
                    | Error message ->
                        do! failWith env t message
                        return Ok JobOutcome.Done
                    | Ok c ->
                        let! _ = Generation.runFor env (fun _ -> Task.CompletedTask) t c ct
                        return Ok JobOutcome.Done
        }

    /// The job body; a storage outage under the run interrupts the job (released, attempt not counted) rather
    /// than failing it, so the work resumes once the database is back.
    let create (env: AppEnv) : JobRunner =
        fun job ct -> task {
            try
                return! run env job ct
            with StoreFailure e when DbError.isOutage e ->
                return Error(JobFailure.Interrupted(DbError.describe e))
        }
