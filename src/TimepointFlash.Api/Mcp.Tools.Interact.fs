namespace TimepointFlash.Api

open System
open System.Collections.Generic
open System.Text.Json
open System.Threading.Tasks
open TimepointFlash

/// The interaction tools: chat_with_character, extend_dialog, survey_characters — arguments checked by the API's
/// own request decoders, run by the same interaction services as /api/v1/interactions.
[<RequireQualifiedAccess>]
module McpInteractTools =
    /// The arguments as one JSON object, decoded like a request body (the timepoint id is not part of it).
    let private decode (decoder: Decoder<'T>) (args: IDictionary<string, JsonElement>) =
        let body = Dictionary<string, JsonElement>()

        if not (isNull args) then
            for KeyValue(k, v) in args do
                if k <> "timepoint_id" then
                    body[k] <- v

        decoder "" (JsonSerializer.SerializeToElement body)
        |> Result.mapError ToolError.Arguments

    /// The timepoint (by id or slug) the interaction is about.
    let private timepointOf (deps: McpDeps) args = task {
        match McpTools.required args "timepoint_id" with
        | Error e -> return Error e
        | Ok idText ->
            match! McpTools.find deps.App idText with
            | None -> return Error(ToolError.NotFound $"timepoint '{String.truncate 80 idText}'")
            | Some t -> return Ok t
    }

    /// Runs a prepared interaction (no streaming: its events are dropped) on the host's stop token.
    let private run deps (prepare: Task<Result<Prepared<'E, 'R>, InteractError>>) (answer: 'R -> ToolAnswer) = task {
        match! prepare with
        | Error e -> return Error(ToolError.Interact e)
        | Ok p ->
            match! p.Run (fun _ -> Task.CompletedTask) deps.Stopping with
            | Error e -> return Error(ToolError.Interact e)
            | Ok r -> return Ok(answer r)
    }

    /// Finds the scene, decodes the arguments, and runs the interaction `start` makes of them.
    let private interact deps args (decoder: Decoder<'B>) start (answer: 'R -> ToolAnswer) = task {
        match! timepointOf deps args with
        | Error e -> return Error e
        | Ok t ->
            match decode decoder args |> Result.bind (start t) with
            | Error e -> return Error e
            | Ok(prepare: Task<Result<Prepared<'E, 'R>, InteractError>>) -> return! run deps prepare answer
    }

    /// A session id as the chat request gives it: none, or a uuid (anything else names no session).
    let private sessionOf (session: string option) =
        match session with
        | None -> Ok None
        | Some s ->
            match Guid.TryParse s with
            | true, g -> Ok(Some g)
            | _ -> Error(ToolError.Interact InteractError.SessionNotFound)

    let private idProperty =
        "\"timepoint_id\":{\"type\":\"string\",\"description\":\"The scene's id (uuid) or slug; it must be completed\"}"

    let private chat: McpTool = {
        Name = "chat_with_character"
        Description =
            "Talk to one person of a completed scene, in character and in period. Pass session_id (from an earlier "
            + "answer, with save_session=true) to continue a conversation."
        Schema =
            """{"type":"object","properties":{"""
            + idProperty
            + ""","character":{"type":"string","description":"The character's name as in the scene"},"message":{"type":"string","description":"What you say to them"},"session_id":{"type":"string"},"save_session":{"type":"boolean","default":false},"response_format":{"type":"string","enum":["text","structured","auto"],"default":"auto"}},"required":["timepoint_id","character","message"],"additionalProperties":false}"""
        Run =
            fun deps args _ _ ->
                interact
                    deps
                    args
                    InteractDto.chat
                    (fun t body ->
                        sessionOf body.Session
                        |> Result.map (fun sessionId ->
                            deps.Interact.Chat t.Id { body.Ask with SessionId = sessionId }))
                    (fun a -> {
                        Structured = InteractWire.chat a
                        Text = $"**{a.CharacterName}**: {a.Reply.Text}"
                    })
    }

    let private dialog: McpTool = {
        Name = "extend_dialog"
        Description =
            "Write more lines of a completed scene's dialog, among its speakers or the characters named; save=true "
            + "appends them to the stored scene."
        Schema =
            """{"type":"object","properties":{"""
            + idProperty
            + ""","characters":{"type":"array","items":{"type":"string"}},"num_lines":{"type":"integer","minimum":1,"default":5},"prompt":{"type":"string","description":"A direction for the exchange"},"save":{"type":"boolean","default":false}},"required":["timepoint_id"],"additionalProperties":false}"""
        Run =
            fun deps args _ _ ->
                interact deps args InteractDto.dialog (fun t ask -> Ok(deps.Interact.Dialog t.Id ask)) (fun a -> {
                    Structured = InteractWire.dialog a
                    Text =
                        a.Lines
                        |> List.map (fun l -> $"**{l.Speaker}**: {l.Text}")
                        |> String.concat "\n"
                })
    }

    let private survey: McpTool = {
        Name = "survey_characters"
        Description =
            "Ask several people of a completed scene the same questions; answers with sentiment and key points, "
            + "and an optional summary."
        Schema =
            """{"type":"object","properties":{"""
            + idProperty
            + ""","questions":{"type":"array","items":{"type":"string"},"minItems":1},"characters":{"type":"array","items":{"type":"string"}},"mode":{"type":"string","enum":["parallel","sequential"],"default":"parallel"},"chain_prompts":{"type":"boolean","default":false},"include_summary":{"type":"boolean","default":true}},"required":["timepoint_id","questions"],"additionalProperties":false}"""
        Run =
            fun deps args _ _ ->
                interact deps args InteractDto.survey (fun t ask -> Ok(deps.Interact.Survey t.Id ask)) (fun r -> {
                    Structured = InteractWire.survey r
                    Text =
                        (r.Answers
                         |> List.map (fun a -> $"**{a.CharacterName}** — {a.Question}: {a.Reply.Response}"))
                        @ (r.Summary |> Option.map (fun s -> $"\n{s}") |> Option.toList)
                        |> String.concat "\n"
                })
    }

    /// The interaction tools.
    let all = [ chat; dialog; survey ]
