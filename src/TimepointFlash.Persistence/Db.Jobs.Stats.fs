namespace TimepointFlash.Persistence

open System
open System.Threading.Tasks
open TimepointFlash

/// The queue at a glance: how many jobs wait, and since when the oldest has waited.
type QueueStats = {
    Queued: int64
    OldestQueuedAt: DateTimeOffset option
}

/// One cheap aggregate over generation_jobs (served by the (status, created_at) index), for the queue gauges.
[<RequireQualifiedAccess>]
module JobStats =
    let private sql =
        "SELECT COUNT(*) AS queued, MIN(created_at) AS oldest FROM generation_jobs WHERE status = 'queued'"

    /// Counts queued jobs and finds the oldest one's creation time.
    let read (db: Database) : Task<Result<QueueStats, DbError>> = task {
        let! rows =
            Db.run db (fun s ->
                Db.query s sql [] (fun r -> {
                    Queued = r.int64 "queued"
                    OldestQueuedAt = r.timestampOrNone "oldest"
                }))

        return
            rows
            |> Result.map (List.tryHead >> Option.defaultValue { Queued = 0L; OldestQueuedAt = None })
    }

    /// Seconds the oldest queued job has waited at `now` (0 when the queue is empty).
    let lagSeconds (now: DateTimeOffset) (stats: QueueStats) =
        stats.OldestQueuedAt
        |> Option.map (fun at -> max 0.0 (now - at).TotalSeconds)
        |> Option.defaultValue 0.0
