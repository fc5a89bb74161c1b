namespace TimepointFlash.Cli

open System
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open System.Threading.Tasks
open TimepointFlash

/// HTTP calls to a running server, with its refusals and failures as command-line errors.
module internal RemoteHttp =
    /// A field of a JSON object as text.
    let text (n: JsonNode) (key: string) =
        match n with
        | null -> None
        | n ->
            match n[key] with
            | null -> None
            | v -> Some(v.ToString())

    /// The problem's `detail`, or the body itself.
    let detail (body: string) =
        try
            match JsonNode.Parse body with
            | null -> body
            | n -> text n "detail" |> Option.defaultValue body
        with _ ->
            body

    /// A refusal or failure status as a command-line error.
    let refusal (status: int) (body: string) =
        match status with
        | 404 -> CliError.NotFound(detail body)
        | s when s >= 400 && s < 500 -> CliError.Invalid(detail body)
        | s -> CliError.Failed $"server answered {s}: {detail body}"

    /// Sends a request and reads a JSON answer.
    let send (http: HttpClient) (req: HttpRequestMessage) = task {
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

    /// GETs a JSON answer.
    let get http (path: string) =
        send http (new HttpRequestMessage(HttpMethod.Get, path))

    /// A GET whose answer is text (a download), not JSON.
    let getText (http: HttpClient) (path: string) = task {
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

    /// POSTs a JSON body and reads a JSON answer.
    let post http (path: string) (body: JsonNode) =
        let req = new HttpRequestMessage(HttpMethod.Post, path)
        req.Content <- new StringContent(Encode.toString body, Encoding.UTF8, "application/json")
        send http req

    /// A timepoint's id from an id or a slug.
    let resolve (http: HttpClient) (key: string) = task {
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
