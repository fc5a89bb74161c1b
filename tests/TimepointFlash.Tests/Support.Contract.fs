/// The OpenAPI document as a test oracle: finds the operation a request hit and checks that the answer's status,
/// media type and JSON body are the ones the document declares. The test API's client runs every response through
/// it (ContractHandler), so every suite that talks to the API checks the contract as it goes.
module TimepointFlash.Tests.Support.Contract

open System
open System.Net.Http
open System.Text.Json
open System.Text.RegularExpressions
open System.Threading
open TimepointFlash.Tests.Support.SpecValidator

let private prop (name: string) (e: JsonElement) =
    match e.ValueKind with
    | JsonValueKind.Object ->
        match e.TryGetProperty name with
        | true, v -> Some v
        | _ -> None
    | _ -> None

/// A document parsed for checking.
let ofText (text: string) : SpecDocument = {
    Name = "openapi"
    Root = JsonDocument.Parse(text).RootElement.Clone()
}

/// Literal segments first, then a parameter as one segment, then a trailing parameter spanning slashes (model ids).
let private templateRegex (template: string) (greedyLast: bool) =
    let parts =
        template.Split('/')
        |> Array.mapi (fun i seg ->
            if seg.StartsWith "{" then
                if greedyLast && i = template.Split('/').Length - 1 then
                    ".+"
                else
                    "[^/]+"
            else
                Regex.Escape seg)

    Regex("^" + String.Join("/", parts) + "$")

/// The path template and operation of the document that a method and path hit, preferring the template with the
/// most literal segments (as routing does); None for a path or method the document does not describe.
let operationFor (doc: SpecDocument) (httpMethod: string) (path: string) : (string * JsonElement) option =
    match prop "paths" doc.Root with
    | None -> None
    | Some paths ->
        let templates =
            paths.EnumerateObject() |> Seq.map (fun p -> p.Name, p.Value) |> Seq.toList

        let literals (t: string) =
            t.Split('/') |> Array.filter (fun s -> not (s.StartsWith "{")) |> Array.length

        let matching greedy =
            templates
            |> List.filter (fun (t, _) -> (templateRegex t greedy).IsMatch path)
            |> List.sortByDescending (fst >> literals)

        let candidates =
            match matching false with
            | [] -> matching true
            | found -> found

        candidates
        |> List.tryPick (fun (t, item) -> prop (httpMethod.ToLowerInvariant()) item |> Option.map (fun op -> t, op))

/// Every way an answer departs from the operation's declared responses.
let check (doc: SpecDocument) (operation: JsonElement) (status: int) (media: string) (body: string option) =
    let label = $"{status} {media}"

    match prop "responses" operation |> Option.bind (prop (string status)) with
    | None -> [ $"status {status} is not documented" ]
    | Some declared ->
        match prop "content" declared with
        | None ->
            match body with
            | Some b when b.Length > 0 -> [ $"{label}: a body is sent where none is documented" ]
            | _ -> []
        | Some content ->
            match prop media content with
            | None ->
                let listed = content.EnumerateObject() |> Seq.map _.Name |> String.concat ", "
                [ $"{label}: media type not documented (documented: {listed})" ]
            | Some mediaObject ->
                match body, prop "schema" mediaObject with
                | Some text, Some schema when media.Contains "json" ->
                    try
                        use parsed = JsonDocument.Parse text
                        violations doc $"{label} body" schema parsed.RootElement
                    with :? JsonException as e -> [ $"{label}: body is not JSON ({e.Message})" ]
                | _ -> []

/// A client handler that checks each answer of the API against its document: a departure fails the request (and
/// so the test) with every violation listed. Requests the document does not describe pass unchecked.
type ContractHandler(inner: HttpMessageHandler, doc: SpecDocument) =
    inherit DelegatingHandler(inner)

    member private _.Forward(request: HttpRequestMessage, ct: CancellationToken) = base.SendAsync(request, ct)

    override this.SendAsync(request: HttpRequestMessage, ct: CancellationToken) = task {
        let! resp = this.Forward(request, ct)
        let uri = request.RequestUri

        match operationFor doc request.Method.Method uri.AbsolutePath with
        | None -> return resp
        | Some(template, operation) ->
            let media =
                match resp.Content.Headers.ContentType with
                | null -> ""
                | ct -> ct.MediaType

            let! body = task {
                if media = "text/event-stream" || media.StartsWith "image/" then
                    return None
                else
                    do! resp.Content.LoadIntoBufferAsync()
                    let! text = resp.Content.ReadAsStringAsync ct
                    return Some text
            }

            match check doc operation (int resp.StatusCode) media body with
            | [] -> return resp
            | problems ->
                let listed = problems |> List.truncate 10 |> String.concat "\n  "

                return
                    raise (
                        InvalidOperationException
                            $"{request.Method} {uri.PathAndQuery} ({template}) departs from the OpenAPI document:\n  {listed}"
                    )
    }
