/// Shared pieces of the reliability suites: sending arbitrary requests, judging answers, counting rows.
module TimepointFlash.Tests.Reliability.Support

open System
open System.Net.Http
open System.Net.Http.Headers
open System.Text
open System.Threading
open System.Threading.Tasks
open TimepointFlash.Tests.Support.ApiHost

/// A request body as sent on the wire.
[<RequireQualifiedAccess>]
type Body =
    | None
    | Json of string
    | Raw of bytes: byte[] * contentType: string
    | Form of (string * string) list

/// One request of the corpus.
type Case = {
    Name: string
    Method: string
    Path: string
    Body: Body
}

/// A case.
let case name m path body = {
    Name = name
    Method = m
    Path = path
    Body = body
}

/// Sends a case.
let send (client: HttpClient) (c: Case) : Task<HttpResponseMessage> =
    let msg = new HttpRequestMessage(HttpMethod(c.Method), c.Path)

    match c.Body with
    | Body.None -> ()
    | Body.Json text -> msg.Content <- new StringContent(text, Encoding.UTF8, "application/json")
    | Body.Raw(bytes, ct) ->
        let content = new ByteArrayContent(bytes)

        if ct <> "" then
            content.Headers.ContentType <- MediaTypeHeaderValue.Parse ct

        msg.Content <- content
    | Body.Form fields ->
        msg.Content <-
            new FormUrlEncodedContent(fields |> List.map (fun (k, v) -> Collections.Generic.KeyValuePair(k, v)))

    client.SendAsync msg

/// True for the browser pages (HTML answers), false for the JSON API.
let isUi (path: string) =
    path = "/"
    || path.StartsWith "/t/"
    || path.StartsWith "/ui/"
    || path.StartsWith "/signin"
    || path.StartsWith "/signout"

/// Why an answer breaks the contract for a request that must be rejected (None = fine).
let rejectionProblem (c: Case) (resp: HttpResponseMessage) : Task<string option> = task {
    let status = int resp.StatusCode
    let! text = resp.Content.ReadAsStringAsync()

    let media =
        resp.Content.Headers.ContentType
        |> Option.ofObj
        |> Option.map (fun h -> h.MediaType)

    if status < 400 || status >= 500 then
        return Some $"{c.Name}: {c.Method} {c.Path} answered {status}: {text.Substring(0, min 300 text.Length)}"
    elif isUi c.Path && c.Method <> "PUT" && c.Method <> "PATCH" then
        return None
    elif media <> Some "application/problem+json" then
        return Some $"{c.Name}: {status} without problem+json (got {media})"
    else
        try
            let node = Text.Json.Nodes.JsonNode.Parse text
            let detail = node["detail"]
            let error = node["error"]

            if isNull detail || String.IsNullOrWhiteSpace(string detail) then
                return Some $"{c.Name}: {status} problem without a detail"
            elif isNull error || string error <> string detail then
                return Some $"{c.Name}: {status} problem whose error does not repeat the detail"
            else
                return None
        with e ->
            return Some $"{c.Name}: problem body is not JSON ({e.Message})"
}

/// Why an answer breaks the contract for a request that may be accepted or rejected (never a 5xx).
let answerProblem (c: Case) (resp: HttpResponseMessage) : Task<string option> = task {
    let status = int resp.StatusCode

    if status >= 200 && status < 400 then
        return None
    else
        return! rejectionProblem c resp
}

/// Row counts of the tables a request could write to.
let countRows (api: TestApi) : Task<Map<string, int64>> = task {
    use! conn = api.Services.Database.Open CancellationToken.None
    let mutable counts = Map.empty

    for table in [ "timepoints"; "generation_jobs"; "generation_logs"; "timepoint_images" ] do
        use cmd = conn.CreateCommand()
        cmd.CommandText <- $"SELECT COUNT(*) FROM {table}"
        let! n = cmd.ExecuteScalarAsync()
        counts <- counts.Add(table, Convert.ToInt64 n)

    return counts
}

/// GET /health answers 200.
let healthy (api: TestApi) = task {
    let! resp = api.Client.GetAsync "/health"
    return int resp.StatusCode = 200
}
