namespace TimepointFlash.Persistence

open System
open System.Threading.Tasks
open TimepointFlash

/// Leases of synchronous generations (those without a durable job): the process running one renews its lease, so
/// a row left `processing` by a process that died is told apart from one still running.
type RunStore = {
    /// Takes (or moves to this owner) the lease of a timepoint about to run, until the given time.
    ClaimRun: string -> Guid -> DateTimeOffset -> Task<Result<unit, DbError>>
    /// Extends the owned leases of the given timepoints in one write; how many it extended (a row that is gone or
    /// that another owner holds is not).
    RenewRuns: string -> Guid list -> DateTimeOffset -> Task<Result<int, DbError>>
    /// Drops the lease of a run that ended.
    DropRun: Guid -> Task<Result<unit, DbError>>
    /// Fails every `processing` row with no live lease and no queued or running job ("interrupted"), drops
    /// expired leases, and returns how many rows it failed.
    FailOrphans: string -> Task<Result<int, DbError>>
}

[<RequireQualifiedAccess>]
module Runs =
    /// Rows left processing by a dead process: no live run lease and no durable job that will resume them.
    let private orphaned =
        """
        status = 'processing'
        AND NOT EXISTS (SELECT 1 FROM generation_runs r WHERE r.timepoint_id = timepoints.id AND r.lease_until >= @now)
        AND NOT EXISTS (SELECT 1 FROM generation_jobs j
                        WHERE j.timepoint_id = timepoints.id AND j.status IN ('queued', 'running'))
        """

    let private claim (db: Database) (owner: string) (id: Guid) (until: DateTimeOffset) =
        Db.run db (fun s -> task {
            let! _ =
                Db.execute s """
                    INSERT INTO generation_runs (timepoint_id, owner, lease_until) VALUES (@id, @owner, @until)
                    ON CONFLICT (timepoint_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
                    """ [ "id", Sql.uuid id; "owner", Sql.text owner; "until", Sql.timestamp until ]

            return ()
        })

    /// Most leases one renewal statement names (bound parameters stay far below either dialect's limit).
    let renewChunk = 200

    let private renew (db: Database) (owner: string) (ids: Guid list) (until: DateTimeOffset) =
        Db.run db (fun s -> task {
            let mutable renewed = 0

            for chunk in List.chunkBySize renewChunk ids do
                let names = chunk |> List.mapi (fun i _ -> $"@id{i}") |> String.concat ", "

                let! n =
                    Db.execute
                        s
                        $"UPDATE generation_runs SET lease_until = @until WHERE owner = @owner AND timepoint_id IN ({names})"
                        [
                            "owner", Sql.text owner
                            "until", Sql.timestamp until
                            yield! chunk |> List.mapi (fun i id -> $"id{i}", Sql.uuid id)
                        ]

                renewed <- renewed + n

            return renewed
        })

    let private drop (db: Database) (id: Guid) =
        Db.run db (fun s -> task {
            let! _ = Db.execute s "DELETE FROM generation_runs WHERE timepoint_id = @id" [ "id", Sql.uuid id ]
            return ()
        })

    let private failOrphans (db: Database) (reason: string) =
        Db.transact db (fun s -> task {
            let now = db.Now()

            let! n =
                Db.execute s $"""
                    UPDATE timepoints SET status = 'failed', error_kind = 'interrupted', error_message = @reason,
                        error_step = NULL, updated_at = @now
                    WHERE {orphaned}
                    """ [ "reason", Sql.text reason; "now", Sql.timestamp now ]

            let! _ = Db.execute s "DELETE FROM generation_runs WHERE lease_until < @now" [ "now", Sql.timestamp now ]

            return Ok n
        })

    /// The run store over a database.
    let store (db: Database) : RunStore = {
        ClaimRun = claim db
        RenewRuns = renew db
        DropRun = drop db
        FailOrphans = failOrphans db
    }
