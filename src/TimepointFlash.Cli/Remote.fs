namespace TimepointFlash.Cli

open System
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open System.Threading.Tasks
open TimepointFlash
open RemoteHttp
open RemoteStream

/// The backend over a running server's REST and SSE API (with TPFLASH_API_KEY as a Bearer key when set).
[<RequireQualifiedAccess>]
module Remote =
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
