namespace TimepointFlash.Persistence

open System
open System.Threading
open System.Threading.Tasks
open Npgsql

/// A change to the data that other processes on the same PostgreSQL hear about (migration 0008's triggers send
/// them with pg_notify on the `Changes.channel`).
[<RequireQualifiedAccess>]
type Change =
    /// A timepoint changed to or from a finished status (or a finished one changed): cached bodies are stale.
    | Finished of Guid
    /// A running timepoint's row changed (a step's output, its status while running).
    | Progressed of Guid
    /// A timepoint was deleted.
    | Deleted of Guid
    /// A step record of a timepoint was appended.
    | Logged of Guid
    /// A job was queued.
    | Queued
    /// The listening connection was (re)established: notices may have been missed while it was down.
    | Reset

/// The notification channel and its payloads.
[<RequireQualifiedAccess>]
module Changes =
    /// The PostgreSQL channel (also named in Migrations/postgres/0008_stored_wire.sql).
    let channel = "tpflash_changes"

    /// Reads a payload: a one-letter kind, a colon and a timepoint id.
    let parse (payload: string) : Change option =
        let id () =
            match Guid.TryParse(payload.AsSpan 2) with
            | true, g -> Some g
            | _ -> None

        if payload.Length < 2 || payload[1] <> ':' then
            None
        else
            match payload[0] with
            | 'f' -> id () |> Option.map Change.Finished
            | 'p' -> id () |> Option.map Change.Progressed
            | 'd' -> id () |> Option.map Change.Deleted
            | 'l' -> id () |> Option.map Change.Logged
            | 'j' -> Some Change.Queued
            | _ -> None

    /// The timepoint a change concerns, if one.
    let subject =
        function
        | Change.Finished id
        | Change.Progressed id
        | Change.Deleted id
        | Change.Logged id -> Some id
        | Change.Queued
        | Change.Reset -> None

/// The changes this process hears about from every process on the database.
type ChangeFeed = {
    /// True while notices arrive (the listening connection is up); false means callers poll.
    IsLive: unit -> bool
    /// Adds a handler of every change (called on the listener's thread; keep it short); disposing removes it.
    Subscribe: (Change -> unit) -> IDisposable
    /// Starts watching one timepoint now; the function waits until a change concerning it (or a Reset) arrived
    /// since the watch started, the timeout passed or the token was cancelled, then ends the watch.
    Watch: Guid -> (TimeSpan -> CancellationToken -> Task)
}

/// Building change feeds.
[<RequireQualifiedAccess>]
module ChangeFeed =
    /// A hub that fans published changes out to subscribers.
    type private Hub() =
        let mutable handlers: (Change -> unit) list = []
        let gate = obj ()

        member _.Publish(change: Change) =
            for h in handlers do
                try
                    h change
                with _ ->
                    ()

        member _.Subscribe(handler: Change -> unit) =
            lock gate (fun () -> handlers <- handler :: handlers)

            { new IDisposable with
                member _.Dispose() =
                    lock gate (fun () ->
                        handlers <- handlers |> List.filter (fun h -> not (obj.ReferenceEquals(h, handler))))
            }

    let private feed (hub: Hub) (isLive: unit -> bool) : ChangeFeed = {
        IsLive = isLive
        Subscribe = hub.Subscribe
        Watch =
            fun id ->
                let arrived =
                    TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

                let subscription =
                    hub.Subscribe(fun change ->
                        match change, Changes.subject change with
                        | Change.Reset, _ -> arrived.TrySetResult() |> ignore
                        | _, Some s when s = id -> arrived.TrySetResult() |> ignore
                        | _ -> ())

                fun timeout ct -> task {
                    try
                        try
                            let! _ = Task.WhenAny(arrived.Task, Task.Delay(timeout, ct))
                            ()
                        with :? OperationCanceledException ->
                            ()
                    finally
                        subscription.Dispose()
                }
    }

    /// A feed that hears nothing (SQLite: one process; callers poll).
    let none () : ChangeFeed = feed (Hub()) (fun () -> false)

    /// Longest pause between reconnection attempts.
    let maxBackoff = TimeSpan.FromSeconds 5.0

    /// Listens on one dedicated PostgreSQL connection until the token is cancelled, reconnecting with exponential
    /// backoff (100 ms doubling to `maxBackoff`) and publishing a Reset after every (re)connection.
    let listen (connectionString: string) (log: string -> unit) (ct: CancellationToken) : ChangeFeed =
        let hub = Hub()
        let mutable live = false

        let builder =
            NpgsqlConnectionStringBuilder(connectionString, KeepAlive = 5, Pooling = false, Enlist = false)

        let run () = task {
            let mutable backoff = TimeSpan.FromMilliseconds 100.0

            while not ct.IsCancellationRequested do
                try
                    use conn = new NpgsqlConnection(builder.ConnectionString)
                    do! conn.OpenAsync ct
                    conn.Notification.Add(fun e -> Changes.parse e.Payload |> Option.iter hub.Publish)
                    use cmd = new NpgsqlCommand($"LISTEN {Changes.channel}", conn)
                    let! _ = cmd.ExecuteNonQueryAsync ct
                    live <- true
                    backoff <- TimeSpan.FromMilliseconds 100.0
                    hub.Publish Change.Reset

                    while not ct.IsCancellationRequested do
                        do! conn.WaitAsync ct
                with
                | :? OperationCanceledException when ct.IsCancellationRequested -> ()
                | e ->
                    if live then
                        log $"change notices lost ({e.GetType().Name}); polling until the connection is back"

                    live <- false

                    try
                        do! Task.Delay(backoff, ct)
                    with :? OperationCanceledException ->
                        ()

                    backoff <- TimeSpan.FromTicks(min maxBackoff.Ticks (backoff.Ticks * 2L))

            live <- false
        }

        Task.Run<unit>(fun () -> run ()) |> ignore
        feed hub (fun () -> live)
