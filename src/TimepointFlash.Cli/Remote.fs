namespace TimepointFlash.Cli

open System
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open System.Threading.Tasks
open TimepointFlash

/// The backend over a running server's REST and SSE API (with TPFLASH_API_KEY as a Bearer key when set).
[<RequireQualifiedAccess>]
module Remote =
    let private text (n: JsonNode) (key: string) =
        match n with
        | null -> None
        | n ->
            match n[key] with
            | null -> None
            | v -> Some(v.ToString())

    let private detail (body: string) =
        try
            match JsonNode.Parse body with
            | null -> body
            | n -> text n "detail" |> Option.defaultValue body
        with _ ->
            body

    /// A refusal or failure status as a command-line error.
    let private refusal (status: int) (body: string) =
        match status with
        | 404 -> CliError.NotFound(detail body)
        | s when s >= 400 && s < 500 -> CliError.Invalid(detail body)
        | s -> CliError.Failed $"server answered {s}: {detail body}"

    let private send (http: HttpClient) (req: HttpRequestMessage) = task {
        try
            use! resp = http.SendAsync req
            let! body = resp.Content.ReadAsStringAsync()

            match int resp.StatusCode with
            | s when s >= 200 && s < 300 -> return Ok(JsonNode.Parse body)
            | s -> return Error(refusal s body)
        with
        | :? HttpRequestException as e -> return Error(CliError.Unreachable e.Message)
        | :? TaskCanceledException -> return Error(CliError.Unreachable "timed out")
    }

    let private get http (path: string) =
        send http (new HttpRequestMessage(HttpMethod.Get, path))

    /// A GET whose answer is text (a download), not JSON.
    let private getText (http: HttpClient) (path: string) = task {
        try
            use! resp = http.GetAsync path
            let! body = resp.Content.ReadAsStringAsync()

            match int resp.StatusCode with
            | s when s >= 200 && s < 300 -> return Ok body
            | 404 -> return Error(CliError.NotFound(detail body))
            | s when s >= 400 && s < 500 -> return Error(CliError.Invalid(detail body))
            | s -> return Error(CliError.Failed $"server answered {s}: {detail body}")
        with
        | :? HttpRequestException as e -> return Error(CliError.Unreachable e.Message)
        | :? TaskCanceledException -> return Error(CliError.Unreachable "timed out")
    }

    let private post http (path: string) (body: JsonNode) =
        let req = new HttpRequestMessage(HttpMethod.Post, path)
        req.Content <- new StringContent(Encode.toString body, Encoding.UTF8, "application/json")
        send http req

    let private resolve (http: HttpClient) (key: string) = task {
        match Guid.TryParse key with
        | true, id -> return Ok id
        | _ ->
            match! get http $"/api/v1/timepoints/slug/{Uri.EscapeDataString key}?full=false" with
            | Ok n ->
                match text n "id" |> Option.map Guid.TryParse with
                | Some(true, id) -> return Ok id
                | _ -> return Error(CliError.Failed "the server's answer has no id")
            | Error e -> return Error e
    }

    let private progressOf (msg: JsonNode) =
        match text msg "event" with
        | Some "step_complete" ->
            let data = msg["data"]

            Some {
                Step = text msg "step" |> Option.defaultValue "?"
                Ok = true
                Waiting = false
                LatencyMs =
                    text data "latency_ms"
                    |> Option.bind (fun s ->
                        match Int64.TryParse s with
                        | true, v -> Some v
                        | _ -> None)
                Model = text data "model_used"
                Error = None
            }
        | Some "step_waiting" ->
            let data = msg["data"]

            Some {
                Step = text msg "step" |> Option.defaultValue "?"
                Ok = true
                Waiting = true
                LatencyMs =
                    text data "wait_ms"
                    |> Option.bind (fun s ->
                        match Int64.TryParse s with
                        | true, v -> Some v
                        | _ -> None)
                Model = text data "model_used"
                Error = None
            }
        | Some "step_error" ->
            Some {
                Step = text msg "step" |> Option.defaultValue "?"
                Ok = false
                Waiting = false
                LatencyMs = None
                Model = None
                Error = text msg "error"
            }
        | _ -> None

    /// Reads an SSE response, reporting progress; returns the `done` data or the `error` message.
    let readStream (stream: Stream) (report: StepEvent -> unit) = task {
        use reader = new StreamReader(stream)
        let mutable result = Error(CliError.Failed "the stream ended without a result")
        let mutable reading = true

        while reading do
            let! line = reader.ReadLineAsync()

            match line with
            | null -> reading <- false
            | l when l.StartsWith "data: " ->
                let msg = JsonNode.Parse(l.Substring 6)
                progressOf msg |> Option.iter (StepEvent.Ended >> report)

                match text msg "event" with
                | Some "done" ->
                    result <- Ok msg["data"]
                    reading <- false
                | Some "error" ->
                    result <- Error(CliError.Failed(text msg "error" |> Option.defaultValue "generation failed"))
                    reading <- false
                | _ -> ()
            | _ -> ()

        return result
    }

    /// Reads an interaction stream: each event on to `onEvent` (an `error` one only once something follows it, as a
    /// survey's failed answer), then the `done` frame's result, or the last error when the stream ends without one.
    let private readInteraction (stream: Stream) (onEvent: string * JsonNode -> unit) = task {
        use reader = new StreamReader(stream)
        let mutable result = None
        let mutable pending: JsonNode option = None
        let mutable reading = true

        let flush () =
            pending |> Option.iter (fun p -> onEvent ("error", p))
            pending <- None

        while reading do
            let! line = reader.ReadLineAsync()

            match line with
            | null -> reading <- false
            | l when l.StartsWith "data: " ->
                let msg = JsonNode.Parse(l.Substring 6)
                let data = msg["data"] |> Option.ofObj |> Option.map (fun d -> d.DeepClone())

                match text msg "event", data with
                | Some "done", Some d ->
                    flush ()
                    result <- d["result"] |> Option.ofObj |> Option.map (fun r -> r.DeepClone())
                    reading <- false
                | Some "error", d ->
                    flush ()
                    pending <- Some(d |> Option.defaultWith (fun () -> Encode.string "the interaction failed"))
                | Some e, Some d ->
                    flush ()
                    onEvent (e, d)
                | _ -> ()
            | _ -> ()

        match result, pending with
        | Some r, _ -> return Ok r
        | None, Some p -> return Error(CliError.Failed(p.ToString()))
        | None, None -> return Error(CliError.Failed "the stream ended without a result")
    }

    /// POSTs an interaction body to its stream route (`dialog` or `survey`) and reads the events.
    let private interaction (http: HttpClient) (route: string) (key: string) (body: JsonNode) onEvent = task {
        match! resolve http key with
        | Error e -> return Error e
        | Ok id ->
            try
                let req =
                    new HttpRequestMessage(HttpMethod.Post, $"/api/v1/interactions/{id}/{route}/stream")

                req.Content <- new StringContent(Encode.toString body, Encoding.UTF8, "application/json")
                use! resp = http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, Interrupt.token ())

                if resp.IsSuccessStatusCode then
                    let! stream = resp.Content.ReadAsStreamAsync()
                    return! readInteraction stream onEvent
                else
                    let! b = resp.Content.ReadAsStringAsync()
                    return Error(refusal (int resp.StatusCode) b)
            with :? HttpRequestException as e ->
                return Error(CliError.Unreachable e.Message)
    }

    /// The backend for a server at a base URL.
    let create (baseUrl: Uri) (apiKey: string option) : Backend =
        let http =
            new HttpClient(BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes 15.0)

        // A server with API_KEYS needs a key on every write (and on reads with READS_REQUIRE_KEY).
        apiKey
        |> Option.iter (fun k ->
            http.DefaultRequestHeaders.Authorization <- Headers.AuthenticationHeaderValue("Bearer", k))

        {
            Generate =
                fun query image control report -> task {
                    try
                        let req =
                            new HttpRequestMessage(HttpMethod.Post, "/api/v1/timepoints/generate/stream")

                        let body =
                            match GenerationControl.encode control with
                            | :? Text.Json.Nodes.JsonObject as fields ->
                                fields["query"] <- Encode.string query
                                fields["generate_image"] <- Encode.bool image
                                fields :> Text.Json.Nodes.JsonNode
                            | other -> other

                        req.Content <- new StringContent(Encode.toString body, Encoding.UTF8, "application/json")
                        use! resp = http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, Interrupt.token ())

                        if not resp.IsSuccessStatusCode then
                            let! b = resp.Content.ReadAsStringAsync()
                            return Error(CliError.Invalid(detail b))
                        else
                            let! stream = resp.Content.ReadAsStreamAsync()

                            match! readStream stream report with
                            | Ok data ->
                                match text data "timepoint_id" with
                                | Some id -> return! get http $"/api/v1/timepoints/{id}"
                                | None ->
                                    return Error(CliError.Failed "the server did not say which timepoint it saved")
                            | Error e -> return Error e
                    with :? HttpRequestException as e ->
                        return Error(CliError.Unreachable e.Message)
                }
            Get =
                fun key -> task {
                    match! resolve http key with
                    | Ok id -> return! get http $"/api/v1/timepoints/{id}"
                    | Error e -> return Error e
                }
            List =
                fun q ->
                    let status =
                        q.Status
                        |> Option.map (fun s -> "&status=" + TimepointStatus.name s)
                        |> Option.defaultValue ""

                    let search =
                        q.Search
                        |> Option.map (fun s -> "&q=" + Uri.EscapeDataString s)
                        |> Option.defaultValue ""

                    get http $"/api/v1/timepoints?page={q.Page}&page_size={q.PageSize}{status}{search}"
            Navigate =
                fun key direction units unit _ -> task {
                    match! resolve http key with
                    | Error e -> return Error e
                    | Ok id ->
                        let dir = Navigation.directionName direction

                        let body =
                            Encode.obj [ "units", Encode.int units; "unit", Encode.string (TimeUnit.name unit) ]

                        match! post http $"/api/v1/temporal/{id}/{dir}" body with
                        | Error e -> return Error e
                        | Ok nav ->
                            match!
                                get
                                    http
                                    $"""/api/v1/timepoints/{text nav "target_id" |> Option.defaultValue String.Empty}"""
                            with
                            | Ok target -> return Ok(nav, target)
                            | Error e -> return Error e
                }
            Sequence =
                fun key direction limit -> task {
                    match! resolve http key with
                    | Ok id ->
                        return!
                            get
                                http
                                $"/api/v1/temporal/{id}/sequence?direction={Uri.EscapeDataString direction}&limit={limit}"
                    | Error e -> return Error e
                }
            Delete =
                fun key permanent -> task {
                    let query = if permanent then "?permanent=true" else ""

                    match! resolve http key with
                    | Ok id ->
                        return! send http (new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/timepoints/{id}{query}"))
                    | Error e -> return Error e
                }
            Chat =
                fun key character message session save -> task {
                    match! resolve http key with
                    | Error e -> return Error e
                    | Ok id ->
                        let body =
                            Encode.obj [
                                "character", Encode.string character
                                "message", Encode.string message
                                "session_id", Encode.opt (string >> Encode.string) session
                                "save_session", Encode.bool save
                                "response_format", Encode.string "text"
                            ]

                        return! post http $"/api/v1/interactions/{id}/chat" body
                }
            Dialog = interaction http "dialog"
            Survey = interaction http "survey"
            Models = fun () -> get http "/api/v1/models"
            Export =
                fun key format -> task {
                    match! resolve http key with
                    | Error e -> return Error e
                    | Ok id ->
                        let path =
                            if format = "tdf" then
                                $"/api/v1/timepoints/{id}/tdf"
                            else
                                $"/api/v1/timepoints/{id}/export?format={Uri.EscapeDataString format}"

                        let! text = getText http path

                        // JSON downloads are indented as the embedded export indents them.
                        return
                            text
                            |> Result.map (fun t ->
                                if format = "json" || format = "tdf" then
                                    Encode.toIndentedString (JsonNode.Parse t)
                                else
                                    t)
                }
            EvalModels = fun () -> get http "/api/v1/eval/models"
            Compare =
                fun request withReport ->
                    post
                        http
                        (if withReport then
                             "/api/v1/eval/compare/report"
                         else
                             "/api/v1/eval/compare")
                        request
            Image =
                fun id -> task {
                    try
                        use! resp = http.GetAsync($"/api/v1/timepoints/{id}/image")

                        if resp.IsSuccessStatusCode then
                            let! bytes = resp.Content.ReadAsByteArrayAsync()

                            let mime =
                                resp.Content.Headers.ContentType
                                |> Option.ofObj
                                |> Option.map string
                                |> Option.defaultValue "application/octet-stream"

                            return Some { Bytes = bytes; MimeType = mime }
                        else
                            return None
                    with _ ->
                        return None
                }
            Describe = $"server {baseUrl}"
            Offline = false
        }
