namespace TimepointFlash.Api

open System
open System.Threading
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open TimepointFlash
open TimepointFlash.Agents

/// The people of a scene: their role-play prompts, chat with sessions, dialog extension and surveys, each plain and
/// as server-sent events. Every request is checked before anything runs; a refusal changes nothing.
[<RequireQualifiedAccess>]
module InteractionHandlers =
    /// The cast as the reference lists it: ['A', 'B'].
    let private listed (cast: string list) =
        "[" + (cast |> List.map (fun n -> $"'{n}'") |> String.concat ", ") + "]"

    /// What went wrong, in words: a problem's detail, and a stream's `error` event (every case spelled out).
    let detail (id: Guid) =
        function
        | InteractError.TimepointNotFound -> "Timepoint not found"
        | InteractError.NotCompleted status ->
            $"Timepoint {id} is {TimepointStatus.name status}; its characters can be talked to once it has completed"
        | InteractError.CharacterNotFound(name, cast) ->
            $"Character '{String.truncate 200 name}' not found. Available: {listed cast}"
        | InteractError.SessionNotFound -> "Session not found"
        | InteractError.SessionOfAnotherTimepoint _ -> $"The session belongs to another timepoint, not {id}"
        | InteractError.SessionOfAnotherCharacter name ->
            $"The session is a conversation with {String.truncate 200 name}"
        | InteractError.Agent e -> AgentError.describe e

    /// The problem for a refused or failed interaction.
    let ofError (id: Guid) (e: InteractError) =
        match e with
        | InteractError.TimepointNotFound -> Errors.timepointNotFound
        | InteractError.NotCompleted _ -> Http.problem 409 "Conflict" (detail id e) []
        | InteractError.CharacterNotFound _
        | InteractError.SessionNotFound -> Http.notFound (detail id e)
        | InteractError.SessionOfAnotherTimepoint _
        | InteractError.SessionOfAnotherCharacter _ -> Http.unprocessable (detail id e) []
        | InteractError.Agent _ -> Http.problem 502 "Bad Gateway" $"The model failed: {detail id e}" []

    /// An interaction SSE frame (the reference's envelope: event, data and the event's own keys).
    let private frame
        (event: string)
        (data: Text.Json.Nodes.JsonNode)
        (extra: (string * Text.Json.Nodes.JsonNode) list)
        =
        "data: "
        + Encode.toString (Encode.obj ([ "event", Encode.string event; "data", data ] @ extra))
        + "\n\n"

    let private withTimepoint (ctx: HttpContext) (f: Guid -> Task<IResult>) =
        match Dto.id (Http.route "timepoint_id" ctx) with
        | Some id -> f id
        | None -> Task.FromResult Errors.timepointNotFound

    /// Reads the body, then the timepoint id (422 before 404, as the reference), checks, then answers.
    let private handle
        (decoder: Decoder<'Body>)
        (prepare: Guid -> 'Body -> Task<Result<Prepared<'E, 'R>, InteractError>>)
        (answer: HttpContext -> Guid -> Prepared<'E, 'R> -> Task<IResult>)
        (ctx: HttpContext)
        =
        ctx
        |> Http.bindJson decoder (fun body ->
            withTimepoint ctx (fun id -> task {
                match! prepare id body with
                | Error e -> return ofError id e
                | Ok prepared -> return! answer ctx id prepared
            }))

    /// Runs a prepared interaction to its JSON result.
    let private plain
        (deps: ApiDeps)
        (encode: 'R -> Text.Json.Nodes.JsonNode)
        (_: HttpContext)
        id
        (p: Prepared<'E, 'R>)
        =
        task {
            match! InteractionServices.run p deps.Stopping with
            | Ok r -> return Http.ok (encode r)
            | Error e -> return ofError id e
        }

    /// Streams a prepared interaction: each event as a frame, then `done` or `error`.
    let private streamed
        (deps: ApiDeps)
        (event: 'E -> string)
        (finish: 'R -> string)
        (ctx: HttpContext)
        (id: Guid)
        (p: Prepared<'E, 'R>)
        =
        task {
            Sse.start ctx

            use cts =
                CancellationTokenSource.CreateLinkedTokenSource(deps.Stopping, ctx.RequestAborted)

            let! outcome = task {
                try
                    return! p.Run (fun e -> Sse.write ctx (event e) :> Task) cts.Token
                with :? OperationCanceledException ->
                    return Error(InteractError.Agent(AgentError.Provider(ProviderError.Cancelled)))
            }

            let! _ =
                match outcome with
                | Ok r -> Sse.write ctx (finish r)
                | Error e -> Sse.write ctx (frame "error" (Encode.string (detail id e)) [])

            return Results.Empty
        }

    let private sessionOf (deps: ApiDeps) (body: ChatBody) (id: Guid) = task {
        match body.Session with
        | None -> return! deps.Interact.Chat id body.Ask
        | Some text ->
            match Dto.id text with
            | None -> return Error InteractError.SessionNotFound
            | Some sid -> return! deps.Interact.Chat id { body.Ask with SessionId = Some sid }
    }

    /// GET /api/v1/timepoints/{id}/characters — each character with a ready role-play system prompt.
    let characters (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "id" ctx) with
        | None -> return Errors.timepointNotFound
        | Some id ->
            match! deps.Interact.Cast id with
            | Error e -> return ofError id e
            | Ok personas -> return Http.ok (InteractWire.cast id personas)
    }

    /// POST /api/v1/interactions/{timepoint_id}/chat
    let chat (deps: ApiDeps) =
        handle InteractDto.chat (fun id body -> sessionOf deps body id) (plain deps InteractWire.chat)

    /// POST /api/v1/interactions/{timepoint_id}/chat/stream — `token` events as the model writes, then `done` with
    /// the whole reply and the session id.
    let chatStream (deps: ApiDeps) (ctx: HttpContext) =
        let mutable name = ""

        handle
            InteractDto.chat
            (fun id body ->
                name <- body.Ask.Character
                // A stream is speech as it is produced: always plain text.
                sessionOf
                    deps
                    {
                        body with
                            Ask = {
                                body.Ask with
                                    Format = ResponseFormat.Text
                            }
                    }
                    id)
            (streamed
                deps
                (fun token -> frame "token" (Encode.string token) [ "character_name", Encode.string name ])
                (fun (a: ChatAnswer) ->
                    frame "done" (Encode.string a.Reply.Text) [
                        "character_name", Encode.string a.CharacterName
                        "session_id", Encode.opt (string >> Encode.string) a.SessionId
                        "emotional_tone", Encode.string a.Reply.Tone
                    ]))
            ctx

    /// POST /api/v1/interactions/{timepoint_id}/dialog
    let dialog (deps: ApiDeps) =
        handle InteractDto.dialog deps.Interact.Dialog (plain deps InteractWire.dialog)

    /// POST /api/v1/interactions/{timepoint_id}/dialog/stream — one `line` event per line, then `done`.
    let dialogStream (deps: ApiDeps) (ctx: HttpContext) =
        let mutable number = 0

        handle
            InteractDto.dialog
            deps.Interact.Dialog
            (streamed
                deps
                (fun (l: DialogLine) ->
                    number <- number + 1
                    frame "line" (InteractWire.line number l) [])
                (fun (a: DialogAnswer) ->
                    frame
                        "done"
                        (Encode.obj [
                            "done", Encode.bool true
                            "total_lines", Encode.int a.Lines.Length
                            "characters_involved", Encode.list Encode.string a.CharactersInvolved
                            "result", InteractWire.dialog a
                        ])
                        []))
            ctx

    /// POST /api/v1/interactions/{timepoint_id}/survey
    let survey (deps: ApiDeps) =
        handle InteractDto.survey deps.Interact.Survey (plain deps InteractWire.survey)

    let private surveyEvent =
        function
        | SurveyEvent.Answered(a, progress) ->
            frame "response" (InteractWire.answer a) [
                "character_name", Encode.string a.CharacterName
                "question", Encode.string a.Question
                "progress", Encode.int progress
            ]
        | SurveyEvent.Failed(name, question, e, progress) ->
            frame "error" (Encode.string $"Failed for {name}: {AgentError.describe e}") [
                "character_name", Encode.string name
                "question", Encode.string question
                "progress", Encode.int progress
            ]
        | SurveyEvent.Summary text -> frame "summary" (Encode.string text) [ "progress", Encode.int 100 ]

    /// POST /api/v1/interactions/{timepoint_id}/survey/stream — `response` events as answers come, `summary`, `done`.
    let surveyStream (deps: ApiDeps) =
        handle
            InteractDto.survey
            deps.Interact.Survey
            (streamed deps surveyEvent (fun (r: SurveyResult) ->
                frame
                    "done"
                    (Encode.obj [
                        "total_responses", Encode.int r.Answers.Length
                        "characters_surveyed", Encode.int r.TotalCharacters
                        "questions_asked", Encode.int r.Questions.Length
                        "result", InteractWire.survey r
                    ])
                    [ "progress", Encode.int 100 ]))

    /// GET /api/v1/interactions/sessions/{timepoint_id} — always 200 (empty for an unknown timepoint).
    let sessions (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "timepoint_id" ctx) with
        | None -> return Http.ok (InteractWire.sessions [])
        | Some id ->
            let! xs = deps.Interact.Sessions id
            return Http.ok (InteractWire.sessions xs)
    }

    /// GET /api/v1/interactions/session/{session_id}
    let session (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "session_id" ctx) with
        | None -> return Http.notFound "Session not found"
        | Some id ->
            match! deps.Interact.Session id with
            | None -> return Http.notFound "Session not found"
            | Some s -> return Http.ok (InteractWire.session s)
    }

    /// DELETE /api/v1/interactions/session/{session_id}
    let deleteSession (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "session_id" ctx) with
        | None -> return Http.notFound "Session not found"
        | Some id ->
            match! deps.Interact.DeleteSession id with
            | false -> return Http.notFound "Session not found"
            | true ->
                return Http.ok (Encode.obj [ "deleted", Encode.bool true; "session_id", Encode.string (string id) ])
    }
