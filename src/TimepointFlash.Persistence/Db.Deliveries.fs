namespace TimepointFlash.Persistence

open System
open System.Threading.Tasks
open FsToolkit.ErrorHandling
open TimepointFlash

/// Life cycle of a webhook delivery: waiting (its run is not finished) → pending → sending → delivered | failed
/// (sending → pending on a retryable answer within the window; sending → pending again when a lease expires).
[<RequireQualifiedAccess>]
type DeliveryStatus =
    | Waiting
    | Pending
    | Sending
    | Delivered
    | Failed

/// One POST of a delivery and its answer.
type DeliveryAttempt = {
    Number: int
    AttemptedAt: DateTimeOffset
    StatusCode: int option
    Error: string option
    DurationMs: int
    Verdict: AttemptVerdict
}

/// A durable webhook delivery; `Payload` is frozen before the first attempt so every retry sends the same body.
type Delivery = {
    Id: Guid
    TimepointId: Guid
    Url: string
    /// JSON text of the caller's request_context.
    RequestContext: string option
    Status: DeliveryStatus
    Payload: string option
    Attempts: int
    NextAttemptAt: DateTimeOffset option
    FirstAttemptAt: DateTimeOffset option
    Worker: string option
    LastStatus: int option
    LastError: string option
    DeliveredAt: DateTimeOffset option
    CreatedAt: DateTimeOffset
}

/// Delivery storage and its claim/lease protocol.
type DeliveryStore = {
    /// Makes waiting deliveries whose timepoint finished due now; returns how many.
    Activate: unit -> Task<Result<int, DbError>>
    /// Takes the oldest due delivery (or one whose lease expired) for a worker and lease; counts the attempt.
    Claim: string -> TimeSpan -> Task<Result<Delivery option, DbError>>
    /// Stores the body unless one is stored already; returns the stored body.
    Freeze: Guid -> string -> Task<Result<string, DbError>>
    /// Records an owned attempt and the delivery's next state (pending at the time given, or final); false when
    /// the lease was lost.
    Record: Delivery -> DeliveryAttempt -> DateTimeOffset option -> Task<Result<bool, DbError>>
    /// A timepoint's deliveries, oldest first, each with its attempts in order.
    ForTimepoint: Guid -> Task<Result<(Delivery * DeliveryAttempt list) list, DbError>>
}

[<RequireQualifiedAccess>]
module DeliveryStatus =
    /// Database and wire text.
    let name =
        function
        | DeliveryStatus.Waiting -> "waiting"
        | DeliveryStatus.Pending -> "pending"
        | DeliveryStatus.Sending -> "sending"
        | DeliveryStatus.Delivered -> "delivered"
        | DeliveryStatus.Failed -> "failed"

    /// Reads database text.
    let tryParse =
        function
        | "waiting" -> Some DeliveryStatus.Waiting
        | "pending" -> Some DeliveryStatus.Pending
        | "sending" -> Some DeliveryStatus.Sending
        | "delivered" -> Some DeliveryStatus.Delivered
        | "failed" -> Some DeliveryStatus.Failed
        | _ -> None

[<RequireQualifiedAccess>]
module AttemptVerdictName =
    /// Database and wire text.
    let name =
        function
        | AttemptVerdict.Delivered -> "delivered"
        | AttemptVerdict.Retry -> "retry"
        | AttemptVerdict.GiveUp -> "give_up"

    /// Reads database text.
    let tryParse =
        function
        | "delivered" -> Some AttemptVerdict.Delivered
        | "retry" -> Some AttemptVerdict.Retry
        | "give_up" -> Some AttemptVerdict.GiveUp
        | _ -> None

/// The webhook_deliveries and webhook_attempts tables.
[<RequireQualifiedAccess>]
module Deliveries =
    let private columns =
        "id, timepoint_id, url, request_context, status, payload, attempts, next_attempt_at, first_attempt_at, worker, last_status, last_error, delivered_at, created_at"

    let private read (r: Row) : Result<Delivery, DbError> =
        match DeliveryStatus.tryParse (r.text "status") with
        | Some status ->
            Ok {
                Id = r.uuid "id"
                TimepointId = r.uuid "timepoint_id"
                Url = r.text "url"
                RequestContext = r.textOrNone "request_context"
                Status = status
                Payload = r.textOrNone "payload"
                Attempts = r.int "attempts"
                NextAttemptAt = r.timestampOrNone "next_attempt_at"
                FirstAttemptAt = r.timestampOrNone "first_attempt_at"
                Worker = r.textOrNone "worker"
                LastStatus = r.intOrNone "last_status"
                LastError = r.textOrNone "last_error"
                DeliveredAt = r.timestampOrNone "delivered_at"
                CreatedAt = r.timestamp "created_at"
            }
        | None ->
            let id = r.text "id"
            Error(DbError.Corrupt $"webhook_deliveries row {id} has an unknown status")

    let private readAttempt (r: Row) : Result<Guid * DeliveryAttempt, DbError> =
        match AttemptVerdictName.tryParse (r.text "verdict") with
        | Some verdict ->
            Ok(
                r.uuid "delivery_id",
                {
                    Number = r.int "number"
                    AttemptedAt = r.timestamp "attempted_at"
                    StatusCode = r.intOrNone "status_code"
                    Error = r.textOrNone "error"
                    DurationMs = r.int "duration_ms"
                    Verdict = verdict
                }
            )
        | None -> Error(DbError.Corrupt "webhook_attempts row has an unknown verdict")

    /// Inserts a waiting delivery for a timepoint in a session (the enqueue's transaction); returns its id.
    let insertIn (s: Session) (now: DateTimeOffset) (timepointId: Guid) (callback: Callback) = task {
        let id = Guid.NewGuid()

        let! _ =
            Db.execute s """
                INSERT INTO webhook_deliveries (id, timepoint_id, url, request_context, status, attempts,
                                                created_at, updated_at)
                VALUES (@id, @timepoint_id, @url, @context, 'waiting', 0, @now, @now)
                """ [
                "id", Sql.uuid id
                "timepoint_id", Sql.uuid timepointId
                "url", Sql.text callback.Url.OriginalString
                "context", callback.Context |> Option.map (fun c -> c.ToJsonString()) |> Sql.textOrNone
                "now", Sql.timestamp now
            ]

        return id
    }

    let private due =
        "((status = 'pending' AND next_attempt_at <= @now) OR (status = 'sending' AND lease_until < @now))"

    let private claimSql (dialect: Dialect) =
        let lockClause =
            match dialect with
            | Dialect.Postgres -> "FOR UPDATE SKIP LOCKED"
            | Dialect.Sqlite -> ""

        $"""
        UPDATE webhook_deliveries SET
            status = 'sending', attempts = attempts + 1, worker = @worker, lease_until = @lease, updated_at = @now,
            first_attempt_at = COALESCE(first_attempt_at, @now)
        WHERE id = (SELECT id FROM webhook_deliveries WHERE {due}
                    ORDER BY next_attempt_at, id LIMIT 1 {lockClause})
          AND {due}
        RETURNING {columns}
        """

    let private activate (db: Database) () =
        Db.run db (fun s ->
            let now = db.Now()

            Db.execute s """
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = @now, updated_at = @now
                WHERE status = 'waiting'
                  AND timepoint_id IN (SELECT id FROM timepoints WHERE status IN ('completed', 'failed'))
                """ [ "now", Sql.timestamp now ])

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
                    read)

        return rows |> Result.bind (List.sequenceResultM >> Result.map List.tryHead)
    }

    let private freeze (db: Database) (id: Guid) (body: string) =
        Db.run db (fun s -> task {
            let! _ =
                Db.execute s "UPDATE webhook_deliveries SET payload = COALESCE(payload, @body) WHERE id = @id" [
                    "id", Sql.uuid id
                    "body", Sql.text body
                ]

            let! stored =
                Db.queryOption
                    s
                    "SELECT payload FROM webhook_deliveries WHERE id = @id"
                    [ "id", Sql.uuid id ]
                    (fun r -> r.textOrNone "payload")

            return stored |> Option.flatten |> Option.defaultValue body
        })

    let private record (db: Database) (d: Delivery) (a: DeliveryAttempt) (next: DateTimeOffset option) =
        Db.transact db (fun s -> task {
            let now = db.Now()

            let status =
                match a.Verdict, next with
                | AttemptVerdict.Delivered, _ -> DeliveryStatus.Delivered
                | AttemptVerdict.Retry, Some _ -> DeliveryStatus.Pending
                | _ -> DeliveryStatus.Failed

            let! n =
                Db.execute s """
                    UPDATE webhook_deliveries SET status = @status, next_attempt_at = @next, lease_until = NULL,
                        last_status = @code, last_error = @error, updated_at = @now,
                        delivered_at = CASE WHEN @status = 'delivered' THEN @now ELSE delivered_at END
                    WHERE id = @id AND status = 'sending' AND worker = @worker AND attempts = @attempts
                    """ [
                    "id", Sql.uuid d.Id
                    "worker", Sql.textOrNone d.Worker
                    "attempts", Sql.int d.Attempts
                    "status", Sql.text (DeliveryStatus.name status)
                    "next", Sql.timestampOrNone next
                    "code", Sql.intOrNone a.StatusCode
                    "error", Sql.textOrNone a.Error
                    "now", Sql.timestamp now
                ]

            if n = 1 then
                let! _ =
                    Db.execute s """
                        INSERT INTO webhook_attempts (delivery_id, number, attempted_at, status_code, error,
                                                      duration_ms, verdict)
                        VALUES (@id, @number, @at, @code, @error, @duration, @verdict)
                        """ [
                        "id", Sql.uuid d.Id
                        "number", Sql.int a.Number
                        "at", Sql.timestamp a.AttemptedAt
                        "code", Sql.intOrNone a.StatusCode
                        "error", Sql.textOrNone a.Error
                        "duration", Sql.int a.DurationMs
                        "verdict", Sql.text (AttemptVerdictName.name a.Verdict)
                    ]

                return Ok true
            else
                return Ok false
        })

    let private forTimepoint (db: Database) (timepointId: Guid) =
        Db.run db (fun s -> task {
            let ps = [ "id", Sql.uuid timepointId ]

            let! ds =
                Db.query
                    s
                    $"SELECT {columns} FROM webhook_deliveries WHERE timepoint_id = @id ORDER BY created_at, id"
                    ps
                    read

            let! attempts =
                Db.query
                    s
                    """
                    SELECT a.delivery_id, a.number, a.attempted_at, a.status_code, a.error, a.duration_ms, a.verdict
                    FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
                    WHERE d.timepoint_id = @id ORDER BY a.number
                    """
                    ps
                    readAttempt

            return result {
                let! ds = List.sequenceResultM ds
                let! attempts = List.sequenceResultM attempts

                return
                    ds
                    |> List.map (fun d -> d, attempts |> List.filter (fun (id, _) -> id = d.Id) |> List.map snd)
            }
        })
        |> fun t -> task {
            let! r = t
            return Result.bind id r
        }

    /// The delivery store over a database.
    let store (db: Database) : DeliveryStore = {
        Activate = activate db
        Claim = claim db
        Freeze = freeze db
        Record = record db
        ForTimepoint = forTimepoint db
    }
