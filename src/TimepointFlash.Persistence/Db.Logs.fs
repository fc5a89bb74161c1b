namespace TimepointFlash.Persistence

open System
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open FsToolkit.ErrorHandling
open TimepointFlash

/// Step-log storage, built from one Database: the step records of each timepoint, numbered 1, 2, 3 … in commit
/// order so a follower can replay and continue.
type LogStore = {
    /// Appends a record for a timepoint; its Seq and At are ignored and assigned.
    Append: Guid -> StepRecord -> Task<Result<StepRecord, DbError>>
    /// Appends records in order in one write (one transaction); their Seq and At are ignored and assigned.
    AppendMany: Guid -> StepRecord list -> Task<Result<StepRecord list, DbError>>
    /// Records of a timepoint with Seq greater than the given one (0 = all), in order.
    ListAfter: Guid -> int64 -> Task<Result<StepRecord list, DbError>>
}

[<RequireQualifiedAccess>]
module StepStatus =
    /// Database text.
    let name =
        function
        | StepStatus.Started -> "started"
        | StepStatus.Waiting -> "waiting"
        | StepStatus.Completed -> "completed"
        | StepStatus.Failed -> "failed"

    /// Reads database text (a wait for provider budget is live progress, never stored).
    let tryParse (s: string) =
        [ StepStatus.Started; StepStatus.Completed; StepStatus.Failed ]
        |> List.tryFind (fun x -> name x = s)

/// SQL for generation_logs.
[<RequireQualifiedAccess>]
module Logs =
    let private appendSql =
        """
        INSERT INTO generation_logs (
            timepoint_id, seq, step, status, model, provider, latency_ms,
            input_tokens, output_tokens, attempts, error_kind, error_provider_kind, error_message, created_at)
        VALUES (
            @timepoint_id,
            (SELECT COALESCE(MAX(seq), 0) + 1 FROM generation_logs WHERE timepoint_id = @timepoint_id),
            @step, @status, @model, @provider, @latency_ms,
            @input_tokens, @output_tokens, @attempts, @error_kind, @error_provider_kind, @error_message, @created_at)
        RETURNING seq
        """

    let private read (r: Row) : Result<StepRecord, DbError> =
        match Steps.tryParse (r.text "step"), StepStatus.tryParse (r.text "status") with
        | Some step, Some status ->
            Ok {
                Seq = int64 (r.int "seq")
                Step = step
                Status = status
                Model = r.textOrNone "model"
                Provider = r.textOrNone "provider"
                LatencyMs = r.intOrNone "latency_ms" |> Option.map int64
                Usage =
                    match r.intOrNone "input_tokens", r.intOrNone "output_tokens" with
                    | None, None -> None
                    | i, o ->
                        Some {
                            Input = defaultArg i 0
                            Output = defaultArg o 0
                        }
                Attempts = r.intOrNone "attempts"
                RetryAfter = None
                Error =
                    r.textOrNone "error_message"
                    |> Option.map (fun message -> {
                        Kind =
                            r.textOrNone "error_kind"
                            |> Option.bind FailureKind.tryParse
                            |> Option.defaultValue FailureKind.Interrupted
                        ProviderKind = r.textOrNone "error_provider_kind" |> Option.bind ProviderErrorKind.tryParse
                        Step = Some step
                        Message = message
                        SuggestedQuery = None
                    })
                At = r.timestamp "created_at"
            }
        | _ ->
            let id = r.int64 "id"
            Error(DbError.Corrupt $"generation_logs row {id} has an unknown step or status")

    let private parameters (timepointId: Guid) (e: StepRecord) = [
        "timepoint_id", Sql.uuid timepointId
        "step", Sql.text (Step.name e.Step)
        "status", Sql.text (StepStatus.name e.Status)
        "model", Sql.textOrNone e.Model
        "provider", Sql.textOrNone e.Provider
        "latency_ms", Sql.intOrNone (e.LatencyMs |> Option.map int)
        "input_tokens", Sql.intOrNone (e.Usage |> Option.map (fun u -> u.Input))
        "output_tokens", Sql.intOrNone (e.Usage |> Option.map (fun u -> u.Output))
        "attempts", Sql.intOrNone e.Attempts
        "error_kind", Sql.textOrNone (e.Error |> Option.map (fun x -> FailureKind.name x.Kind))
        "error_provider_kind",
        Sql.textOrNone (
            e.Error
            |> Option.bind (fun x -> x.ProviderKind)
            |> Option.map ProviderErrorKind.name
        )
        "error_message", Sql.textOrNone (e.Error |> Option.map (fun x -> x.Message))
        "created_at", Sql.timestamp e.At
    ]

    /// Inserts the entries in order on one session; each gets the next seq.
    let private insertAll (s: Session) (timepointId: Guid) (entries: StepRecord list) = task {
        let stored = ResizeArray()

        for e in entries do
            let! seq = Db.scalarInt64 s appendSql (parameters timepointId e)
            stored.Add { e with Seq = seq }

        return List.ofSeq stored
    }

    let private appendMany (db: Database) (timepointId: Guid) (records: StepRecord list) = task {
        // Progress: committed without waiting for the disk on SQLite; the synced write that finishes the timepoint
        // makes it durable. Several records go in one transaction (one commit, and on PostgreSQL one notice).
        // Two concurrent appends may pick the same next seq; the unique (timepoint_id, seq) turns one away: retry it.
        let write () =
            let at = db.Now()
            let entries = records |> List.map (fun e -> { e with At = at })

            match entries with
            | [] -> Task.FromResult(Ok [])
            | [ _ ] -> Db.runBuffered db (fun s -> insertAll s timepointId entries)
            | _ ->
                Db.transactBuffered db (fun s -> task {
                    let! stored = insertAll s timepointId entries
                    return Ok stored
                })

        let mutable result = None
        let mutable tries = 0

        while result.IsNone do
            tries <- tries + 1

            match! write () with
            | Ok stored -> result <- Some(Ok stored)
            | Error(DbError.UniqueViolation _) when tries < 50 -> do! Task.Delay(Random.Shared.Next(1, 5 * tries))
            | Error e -> result <- Some(Error e)

        return result.Value
    }

    let private append (db: Database) (timepointId: Guid) (e: StepRecord) = task {
        let! stored = appendMany db timepointId [ e ]
        return stored |> Result.map List.head
    }

    let private listAfter (db: Database) (id: Guid) (after: int64) = task {
        let! rows =
            Db.run db (fun s ->
                Db.query
                    s
                    """
                    SELECT id, timepoint_id, seq, step, status, model, provider, latency_ms,
                           input_tokens, output_tokens, attempts, error_kind, error_provider_kind, error_message, created_at
                    FROM generation_logs
                    WHERE timepoint_id = @id AND seq > @after
                    ORDER BY seq
                    """
                    [ "id", Sql.uuid id; "after", Sql.int64 after ]
                    read)

        return rows |> Result.bind List.sequenceResultM
    }

    /// The log store over a database.
    let store (db: Database) : LogStore = {
        Append = append db
        AppendMany = appendMany db
        ListAfter = listAfter db
    }

    /// Replays the entries after `afterSeq`, then keeps polling for new ones until `isFinished` answers true (after
    /// which the last entries are delivered) or the token is cancelled. Returns the last Seq delivered.
    let follow
        (logs: LogStore)
        (timepointId: Guid)
        (afterSeq: int64)
        (isFinished: unit -> Task<Result<bool, DbError>>)
        (pollEvery: TimeSpan)
        (onEntry: StepRecord -> Task<unit>)
        (ct: CancellationToken)
        : Task<Result<int64, DbError>> =
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
