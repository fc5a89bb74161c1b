namespace TimepointFlash.Runtime

open System
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Persistence

/// A database failure surfacing through the application's Store, typed so each edge maps it by case.
exception StoreFailure of error: DbError with
    /// One line (DbError.describe) for logs.
    override this.Message = DbError.describe this.error

/// Adapts the SQL stores to the application's Store port.
[<RequireQualifiedAccess>]
module StoreAdapter =
    /// Most attempts a job gets before its timepoint is marked failed.
    let maxAttempts = 3

    let private unwrap (t: Task<Result<'T, DbError>>) : Task<'T> = task {
        match! t with
        | Ok v -> return v
        | Error e -> return raise (StoreFailure e)
    }

    /// The payload of a job as JSON text.
    let encodePayload (p: JobPayload) =
        Encode.obj [
            "timepoint_id", Encode.string (string p.TimepointId)
            "query", Encode.string p.Query
            "generate_image", Encode.bool p.GenerateImage
            "navigation",
            p.Navigation
            |> Encode.opt (fun n ->
                Encode.obj [
                    "source_id", Encode.string (string n.SourceId)
                    "direction", Encode.string (if n.Direction = Direction.Next then "next" else "prior")
                    "units", Encode.int n.Units
                    "unit", Encode.string (TimeUnit.name n.Unit)
                ])
            "callback",
            p.Callback
            |> Encode.opt (fun c ->
                Encode.obj [
                    "url", Encode.string c.Url.OriginalString
                    "request_context", c.Context |> Option.map (fun n -> n.DeepClone()) |> Option.toObj
                ])
        ]
        |> Encode.toString

    /// Reads a job payload.
    let decodePayload (json: string) =
        let nav: Decoder<NavigationRef> =
            fun path el ->
                match
                    Decode.field "source_id" Decode.string path el,
                    Decode.field "direction" Decode.string path el,
                    Decode.field "units" Decode.int path el,
                    Decode.field "unit" Decode.string path el
                with
                | Ok id, Ok dir, Ok units, Ok unit ->
                    match Guid.TryParse id, TimeUnit.parse unit with
                    | (true, g), Ok u ->
                        Ok {
                            SourceId = g
                            Direction = (if dir = "prior" then Direction.Prior else Direction.Next)
                            Units = units
                            Unit = u
                        }
                    | _ -> Decode.fail path "invalid navigation"
                | _ -> Decode.fail path "invalid navigation"

        let callback: Decoder<Callback> =
            fun path el ->
                match Decode.field "url" Decode.string path el with
                | Ok url ->
                    match Uri.TryCreate(url, UriKind.Absolute) with
                    | true, uri ->
                        let context =
                            match el.TryGetProperty "request_context" with
                            | true, c when c.ValueKind <> Text.Json.JsonValueKind.Null ->
                                Some(Text.Json.Nodes.JsonNode.Parse(c.GetRawText()))
                            | _ -> None

                        Ok { Url = uri; Context = context }
                    | _ -> Decode.fail path "invalid callback url"
                | Error e -> Error e

        let payload: Decoder<JobPayload> =
            fun path el ->
                match
                    Decode.field "timepoint_id" Decode.string path el,
                    Decode.field "query" Decode.string path el,
                    Decode.withDefault "generate_image" false Decode.bool path el,
                    Decode.optional "navigation" nav path el,
                    Decode.optional "callback" callback path el
                with
                | Ok id, Ok q, Ok img, Ok n, Ok cb ->
                    match Guid.TryParse id with
                    | true, g ->
                        Ok {
                            TimepointId = g
                            Query = q
                            GenerateImage = img
                            Navigation = n
                            Callback = cb
                        }
                    | _ -> Decode.fail path "invalid timepoint id"
                | _ -> Decode.fail path "invalid job payload"

        Decode.fromString payload json

    /// The Store port over a database.
    let create (db: Database) (signal: JobSignal) : Store =
        let timepoints = Timepoints.store db
        let logs = Logs.store db
        let images = Images.store db
        let jobs = Jobs.store db signal

        {
            Insert = fun t -> unwrap (timepoints.Insert t)
            Enqueue =
                fun t payload -> task {
                    let withDelivery (s: Session) (stored: Timepoint) = task {
                        match payload.Callback with
                        | Some c ->
                            let! _ = Deliveries.insertIn s (db.Now()) stored.Id c
                            ()
                        | None -> ()
                    }

                    let! stored, _ =
                        unwrap (
                            jobs.EnqueueGenerationWith
                                t
                                {
                                    Kind =
                                        if payload.Navigation.IsSome then
                                            JobKind.Navigate
                                        else
                                            JobKind.Generate
                                    Payload = encodePayload payload
                                    MaxAttempts = maxAttempts
                                }
                                withDelivery
                        )

                    return stored
                }
            Update = fun t -> unwrap (timepoints.Save t)
            Get = fun id -> unwrap (timepoints.TryGet id)
            GetBySlug = fun slug -> unwrap (timepoints.TryGetBySlug slug)
            List = fun q -> unwrap (timepoints.List q)
            ListSummaries = fun q -> unwrap (timepoints.ListSummaries q)
            GetWire = fun id full -> unwrap (timepoints.TryGetWire (WireRows.Key.Id id) full)
            GetWireBySlug = fun slug full -> unwrap (timepoints.TryGetWire (WireRows.Key.Slug slug) full)
            ListWire = fun q -> unwrap (timepoints.ListWire q)
            Delete =
                fun removal id ->
                    match removal with
                    | Removal.Soft -> unwrap (timepoints.SoftDelete id)
                    | Removal.Permanent -> unwrap (timepoints.Delete id)
            Children = fun id -> unwrap (timepoints.Children id)
            PutImage =
                fun id img -> task {
                    let! _ = unwrap (images.Put id img.Bytes img.MimeType)
                    return ()
                }
            GetImage =
                fun id -> task {
                    let! found = unwrap (images.TryGet id)

                    return
                        found
                        |> Option.map (fun i -> {
                            Bytes = i.Bytes
                            MimeType = i.MimeType
                        })
                }
            AppendLogs =
                fun id es -> task {
                    let! _ = unwrap (logs.AppendMany id es)
                    return ()
                }
            Logs = fun id after -> unwrap (logs.ListAfter id after)
            Ping =
                fun ct -> task {
                    try
                        use! conn = db.Open ct
                        use cmd = conn.CreateCommand()
                        cmd.CommandText <- "SELECT 1"
                        let! _ = cmd.ExecuteScalarAsync ct
                        return true
                    with _ ->
                        return false
                }
        }

/// Adapts the SQL chat sessions to the application's SessionStore port.
[<RequireQualifiedAccess>]
module SessionAdapter =
    let private unwrap (t: Task<Result<'T, DbError>>) : Task<'T> = task {
        match! t with
        | Ok v -> return v
        | Error e -> return raise (StoreFailure e)
    }

    /// The session store over a database.
    let create (db: Database) : SessionStore =
        let rows = Sessions.store db

        {
            Append = fun a -> unwrap (rows.Append a)
            Get = fun id -> unwrap (rows.Get id)
            List = fun id -> unwrap (rows.List id)
            Delete = fun id -> unwrap (rows.Delete id)
        }
