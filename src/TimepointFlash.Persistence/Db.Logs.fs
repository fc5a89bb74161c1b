namespace TimepointFlash.Persistence

open System
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open FsToolkit.ErrorHandling
open TimepointFlash

/// What happened to a step.
[<RequireQualifiedAccess>]
type LogStatus =
    | Started
    | Completed
    | Failed
    | Skipped
    | Retrying

/// One step event of a generation, numbered per timepoint so a follower can replay and continue.
type LogEntry = {
    TimepointId: Guid
    /// 1, 2, 3 … per timepoint, assigned by the store on append, gapless in commit order.
    Seq: int
    Step: Step
    Status: LogStatus
    Model: string option
    Provider: string option
    LatencyMs: int option
    InputTokens: int option
    OutputTokens: int option
    Error: string option
    Output: JsonNode option
    /// Assigned by the store on append.
    CreatedAt: DateTimeOffset
}

/// Step-log storage, built from one Database.
type LogStore = {
    /// Appends an entry; Seq and CreatedAt of the argument are ignored and assigned.
    Append: LogEntry -> Task<Result<LogEntry, DbError>>
    /// Entries of a timepoint with Seq greater than the given one (0 = all), in order.
    ListAfter: Guid -> int -> Task<Result<LogEntry list, DbError>>
}

[<RequireQualifiedAccess>]
module LogStatus =
    /// Database text.
    let name =
        function
        | LogStatus.Started -> "started"
        | LogStatus.Completed -> "completed"
        | LogStatus.Failed -> "failed"
        | LogStatus.Skipped -> "skipped"
        | LogStatus.Retrying -> "retrying"

    /// Reads database text.
    let tryParse (s: string) =
        [
            LogStatus.Started
            LogStatus.Completed
            LogStatus.Failed
            LogStatus.Skipped
            LogStatus.Retrying
        ]
        |> List.tryFind (fun x -> name x = s)

[<RequireQualifiedAccess>]
module LogEntry =
    /// An entry for a step with nothing but its status filled in.
    let create (timepointId: Guid) (step: Step) (status: LogStatus) = {
        TimepointId = timepointId
        Seq = 0
        Step = step
        Status = status
        Model = None
        Provider = None
        LatencyMs = None
        InputTokens = None
        OutputTokens = None
        Error = None
        Output = None
        CreatedAt = DateTimeOffset.MinValue
    }

/// SQL for generation_logs.
[<RequireQualifiedAccess>]
module Logs =
    let private appendSql =
        """
        INSERT INTO generation_logs (
            timepoint_id, seq, step, status, model, provider, latency_ms,
            input_tokens, output_tokens, error_message, output_json, created_at)
        VALUES (
            @timepoint_id,
            (SELECT COALESCE(MAX(seq), 0) + 1 FROM generation_logs WHERE timepoint_id = @timepoint_id),
            @step, @status, @model, @provider, @latency_ms,
            @input_tokens, @output_tokens, @error_message, @output_json, @created_at)
        RETURNING seq
        """

    let private read (r: Row) : Result<LogEntry, DbError> =
        match Steps.tryParse (r.text "step"), LogStatus.tryParse (r.text "status") with
        | Some step, Some status ->
            Ok {
                TimepointId = r.uuid "timepoint_id"
                Seq = r.int "seq"
                Step = step
                Status = status
                Model = r.textOrNone "model"
                Provider = r.textOrNone "provider"
                LatencyMs = r.intOrNone "latency_ms"
                InputTokens = r.intOrNone "input_tokens"
                OutputTokens = r.intOrNone "output_tokens"
                Error = r.textOrNone "error_message"
                Output = r.textOrNone "output_json" |> Option.map (fun s -> JsonNode.Parse s)
                CreatedAt = r.timestamp "created_at"
            }
        | _ ->
            let id = r.int64 "id"
            Error(DbError.Corrupt $"generation_logs row {id} has an unknown step or status")

    let private append (db: Database) (e: LogEntry) = task {
        let entry = { e with CreatedAt = db.Now() }

        let ps = [
            "timepoint_id", Sql.uuid e.TimepointId
            "step", Sql.text (Step.name e.Step)
            "status", Sql.text (LogStatus.name e.Status)
            "model", Sql.textOrNone e.Model
            "provider", Sql.textOrNone e.Provider
            "latency_ms", Sql.intOrNone e.LatencyMs
            "input_tokens", Sql.intOrNone e.InputTokens
            "output_tokens", Sql.intOrNone e.OutputTokens
            "error_message", Sql.textOrNone e.Error
            "output_json", e.Output |> Option.map Encode.toString |> Sql.jsonOrNone
            "created_at", Sql.timestamp entry.CreatedAt
        ]

        // Progress: committed without waiting for the disk on SQLite; the synced write that finishes the timepoint
        // makes it durable. Two concurrent appends may pick the same next seq; the unique (timepoint_id, seq) turns one away: retry it.
        let mutable result = None
        let mutable tries = 0

        while result.IsNone do
            tries <- tries + 1

            match! Db.runBuffered db (fun s -> Db.scalarInt64 s appendSql ps) with
            | Ok seq -> result <- Some(Ok { entry with Seq = int seq })
            | Error(DbError.UniqueViolation _) when tries < 50 -> do! Task.Delay(Random.Shared.Next(1, 5 * tries))
            | Error e -> result <- Some(Error e)

        return result.Value
    }

    let private listAfter (db: Database) (id: Guid) (after: int) = task {
        let! rows =
            Db.run db (fun s ->
                Db.query
                    s
                    """
                    SELECT id, timepoint_id, seq, step, status, model, provider, latency_ms,
                           input_tokens, output_tokens, error_message, output_json, created_at
                    FROM generation_logs
                    WHERE timepoint_id = @id AND seq > @after
                    ORDER BY seq
                    """
                    [ "id", Sql.uuid id; "after", Sql.int after ]
                    read)

        return rows |> Result.bind List.sequenceResultM
    }

    /// The log store over a database.
    let store (db: Database) : LogStore = {
        Append = append db
        ListAfter = listAfter db
    }

    /// Replays the entries after `afterSeq`, then keeps polling for new ones until `isFinished` answers true (after
    /// which the last entries are delivered) or the token is cancelled. Returns the last Seq delivered.
    let follow
        (logs: LogStore)
        (timepointId: Guid)
        (afterSeq: int)
        (isFinished: unit -> Task<Result<bool, DbError>>)
        (pollEvery: TimeSpan)
        (onEntry: LogEntry -> Task<unit>)
        (ct: CancellationToken)
        : Task<Result<int, DbError>> =
        task {
            let mutable last = afterSeq
            let mutable outcome = None

            let deliver () = task {
                match! logs.ListAfter timepointId last with
                | Error e -> return Error e
                | Ok entries ->
                    for e in entries do
                        do! onEntry e
                        last <- e.Seq

                    return Ok(List.length entries)
            }

            while outcome.IsNone do
                if ct.IsCancellationRequested then
                    outcome <- Some(Ok last)
                else
                    match! deliver () with
                    | Error e -> outcome <- Some(Error e)
                    | Ok n when n > 0 -> ()
                    | Ok _ ->
                        match! isFinished () with
                        | Error e -> outcome <- Some(Error e)
                        | Ok true ->
                            match! deliver () with
                            | Error e -> outcome <- Some(Error e)
                            | Ok _ -> outcome <- Some(Ok last)
                        | Ok false ->
                            try
                                do! Task.Delay(pollEvery, ct)
                            with :? OperationCanceledException ->
                                ()

            return outcome.Value
        }
