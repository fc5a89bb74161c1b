namespace TimepointFlash.Api

open System
open System.Text.Json
open System.Text.Json.Nodes
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open TimepointFlash
open TimepointFlash.Agents

/// The scene page's interaction forms: chat (stored in a session the page reopens), extend the dialog (saved to
/// the scene) and survey. The form fields become the API's request body, so both are validated by one decoder.
[<RequireQualifiedAccess>]
module UiInteractHandlers =
    let private message (deps: ApiDeps) (ctx: HttpContext) status (title: string) (text: string) =
        Pages.message deps ctx status title text

    /// The status and sentence of a refused or failed interaction, for a page.
    let private refusal =
        function
        | InteractError.TimepointNotFound -> 404, "No scene has this address."
        | InteractError.NotCompleted status ->
            409, $"This scene is {TimepointStatus.name status}; its people can be talked to once it has completed."
        | InteractError.CharacterNotFound(name, cast) ->
            404, $"""No character named '{String.truncate 200 name}'. The cast: {String.concat ", " cast}."""
        | InteractError.SessionNotFound -> 404, "The conversation was not found; start a new one."
        | InteractError.SessionOfAnotherTimepoint _ -> 422, "The conversation belongs to another scene."
        | InteractError.SessionOfAnotherCharacter name -> 422, $"The conversation is with {name}."
        | InteractError.Agent e -> 502, $"The model failed: {AgentError.describe e}"

    let private refused deps ctx (title: string) e =
        let status, text = refusal e
        message deps ctx status title text

    /// The form's values of a field, blank ones left out.
    let private values (f: IFormCollection) (name: string) =
        f[name]
        |> Seq.filter (fun v -> not (String.IsNullOrWhiteSpace v))
        |> Seq.map (fun v -> v.Trim())
        |> List.ofSeq

    /// JSON nodes of a string, a flag and a number.
    let private node (v: string) : JsonNode = JsonValue.Create v

    let private flag (v: bool) : JsonNode = JsonValue.Create v
    let private number (v: int) : JsonNode = JsonValue.Create v

    let private text (f: IFormCollection) name =
        values f name |> List.tryHead |> Option.map node

    /// Ticked characters, or "all" when none is.
    let private cast (f: IFormCollection) : JsonNode =
        match values f "characters" with
        | [] -> node "all"
        | names -> JsonArray(names |> List.map node |> Array.ofList) :> JsonNode

    /// A JSON body from fields (absent ones left out), decoded as the API decodes it.
    let private decode (decoder: Decoder<'T>) (fields: (string * JsonNode option) list) =
        let o = JsonObject()

        for k, v in fields do
            match v with
            | Some v -> o[k] <- v
            | None -> ()

        use doc = JsonDocument.Parse(o.ToJsonString())

        decoder "" doc.RootElement
        |> Result.mapError (List.map DecodeError.describe >> String.concat "; ")

    /// Reads the scene and the form, then runs `body` (404 and 415 pages otherwise).
    let private withForm deps (ctx: HttpContext) (what: string) body = task {
        match! UiHandlers.bySlug deps ctx with
        | None -> return message deps ctx 404 "Scene not found" "No scene has this address."
        | Some t ->
            match! UiHandlers.form ctx with
            | None -> return message deps ctx 415 "Unsupported form" $"Submit the {what} form from the scene page."
            | Some f -> return! body t f
    }

    /// POST /t/{slug}/chat — sends the message in the form's session (a new one when none), then reopens the
    /// scene with that session's history.
    let chat (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> =
        withForm deps ctx "chat" (fun t f -> task {
            let body =
                decode InteractDto.chat [
                    "character", text f "character"
                    "message", text f "message"
                    "session_id", text f "session_id"
                    "save_session", Some(flag true)
                    "response_format", Some(node "text")
                ]

            match body with
            | Error e -> return message deps ctx 422 "Cannot send" $"Please check the message: {e}"
            | Ok body ->
                let session =
                    match body.Session with
                    | None -> Ok None
                    | Some s ->
                        match Dto.id s with
                        | Some g -> Ok(Some g)
                        | None -> Error InteractError.SessionNotFound

                match session with
                | Error e -> return refused deps ctx "Cannot send" e
                | Ok sid ->
                    match! deps.Interact.Chat t.Id { body.Ask with SessionId = sid } with
                    | Error e -> return refused deps ctx "Cannot send" e
                    | Ok p ->
                        match! InteractionServices.run p deps.Stopping with
                        | Error e -> return refused deps ctx "Cannot send" e
                        | Ok a ->
                            let query =
                                a.SessionId |> Option.map (fun s -> $"?session={s}") |> Option.defaultValue ""

                            return Results.Redirect($"/t/{t.Slug}{query}#chat", false)
        })

    /// POST /t/{slug}/dialog — adds lines to the scene's dialog, then reopens the scene at its dialog.
    let dialog (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> =
        withForm deps ctx "dialog" (fun t f -> task {
            let lines: JsonNode option =
                match values f "num_lines" with
                | [] -> None
                | n :: _ ->
                    match Int32.TryParse n with
                    | true, v -> Some(number v)
                    | _ -> Some(node n)

            let body =
                decode InteractDto.dialog [
                    "num_lines", lines
                    "characters", Some(cast f)
                    "prompt", text f "prompt"
                    "save", Some(flag true)
                ]

            match body with
            | Error e -> return message deps ctx 422 "Cannot extend" $"Please check the form: {e}"
            | Ok ask ->
                match! deps.Interact.Dialog t.Id ask with
                | Error e -> return refused deps ctx "Cannot extend" e
                | Ok p ->
                    match! InteractionServices.run p deps.Stopping with
                    | Error e -> return refused deps ctx "Cannot extend" e
                    | Ok _ -> return Results.Redirect($"/t/{t.Slug}#dialog", false)
        })

    /// POST /t/{slug}/survey — asks the questions (one a line) and answers a page of the replies.
    let survey (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> =
        withForm deps ctx "survey" (fun t f -> task {
            let questions =
                values f "questions"
                |> List.collect (fun q -> q.Split('\n') |> List.ofArray)
                |> List.map (fun q -> q.Trim())
                |> List.filter (fun q -> q <> "")

            let chained = values f "chain" = [ "true" ]

            let body =
                decode InteractDto.survey [
                    "questions", Some(JsonArray(questions |> List.map node |> Array.ofList) :> JsonNode)
                    "characters", Some(cast f)
                    "mode", Some(node (if chained then "sequential" else "parallel"))
                    "chain_prompts", Some(flag chained)
                ]

            match body with
            | Error e -> return message deps ctx 422 "Cannot survey" $"Please check the questions: {e}"
            | Ok ask ->
                match! deps.Interact.Survey t.Id ask with
                | Error e -> return refused deps ctx "Cannot survey" e
                | Ok p ->
                    match! InteractionServices.run p deps.Stopping with
                    | Error e -> return refused deps ctx "Cannot survey" e
                    | Ok r -> return Pages.html 200 (InteractView.surveyResult (Pages.chrome deps ctx) t r)
        })
