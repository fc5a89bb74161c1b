namespace TimepointFlash.Runtime

open System
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// The periodic purge of soft-deleted timepoints: every `Every`, the rows soft-deleted more than `After` ago are
/// deleted for good, with the cascade of a permanent delete (logs, image, jobs, chat sessions, webhook deliveries).
[<RequireQualifiedAccess>]
module Purge =
    /// One pass: purges the rows soft-deleted before now − after and logs how many (or why it could not).
    let once
        (purge: DateTimeOffset -> Task<Result<int, DbError>>)
        (settings: PurgeSettings)
        (now: unit -> DateTimeOffset)
        (log: string -> unit)
        : Task<int> =
        task {
            match! purge (now () - settings.After) with
            | Ok n ->
                if n > 0 then
                    log $"purged {n} soft-deleted timepoint(s)"

                return n
            | Error e ->
                log $"soft-deleted timepoints not purged: {DbError.describe e}"
                return 0
        }

    /// Runs a pass at start and then every `Every` until the token is cancelled; does nothing when the purge is off.
    let run
        (purge: DateTimeOffset -> Task<Result<int, DbError>>)
        (settings: PurgeSettings)
        (now: unit -> DateTimeOffset)
        (log: string -> unit)
        (ct: CancellationToken)
        : Task =
        match settings.Every with
        | None -> Task.CompletedTask
        | Some every -> task {
            try
                while not ct.IsCancellationRequested do
                    let! _ = once purge settings now log
                    do! Task.Delay(every, ct)
            with :? OperationCanceledException ->
                ()
          }
