namespace TimepointFlash.Api

open System
open System.Text.Json
open FsToolkit.ErrorHandling
open TimepointFlash
open TimepointFlash.Agents

/// A chat request as read from the body; the session id stays text so an unknown one is a 404, not a 422.
type ChatBody = { Ask: ChatAsk; Session: string option }

/// Request bodies of the interaction routes, validated before any lookup (a bad body is 422 whatever the id).
[<RequireQualifiedAccess>]
module InteractDto =
    /// The longest dialog direction.
    let maxPromptLength = 1000

    let private format: Decoder<ResponseFormat> =
        Decode.named [
            "text", ResponseFormat.Text
            "structured", ResponseFormat.Structured
            "auto", ResponseFormat.Auto
        ]

    let private model: Decoder<string option> =
        Decode.optional
            "model"
            (Decode.string
             |> Decode.check (fun s ->
                 if s.Length > 200 then
                     Some "must be at most 200 characters"
                 else
                     None))

    /// A JSON number in a range (no numeric strings: a request is not a model's answer).
    let private number lo hi : Decoder<int> =
        fun path el ->
            if el.ValueKind = JsonValueKind.Number then
                Decode.intRange lo hi path el
            else
                Decode.fail path $"must be a whole number from {lo} to {hi}"

    /// A JSON true or false (no "true" strings).
    let private flag: Decoder<bool> =
        fun path el ->
            match el.ValueKind with
            | JsonValueKind.True -> Ok true
            | JsonValueKind.False -> Ok false
            | _ -> Decode.fail path "must be true or false"

    let private bounded (max: int) : Decoder<string> =
        Decode.string
        |> Decode.check (fun s ->
            if String.IsNullOrWhiteSpace s then
                Some "must not be empty"
            elif s.Length > max then
                Some $"must be at most {max} characters"
            else
                None)

    /// A list of names (1–8), or the reference's `"all"` (accepted, documented as null): None asks everyone.
    let private characters: Decoder<string list option> =
        fun path el ->
            match el.ValueKind with
            | JsonValueKind.String when el.GetString() = "all" -> Ok None
            | JsonValueKind.Array ->
                Decode.list (bounded 200) path el
                |> Result.bind (fun names ->
                    if names.IsEmpty then
                        Decode.fail path "must name at least one character, or be \"all\""
                    elif names.Length > Character.maxCount then
                        Decode.fail path $"must name at most {Character.maxCount} characters"
                    else
                        Ok(Some names))
            | _ -> Decode.fail path "must be a list of character names (or \"all\")"

    /// POST …/chat
    let chat: Decoder<ChatBody> =
        fun path el -> validation {
            let! character = Decode.field "character" (bounded 200) path el
            and! message = Decode.field "message" (bounded Chat.maxMessageLength) path el
            and! session = Decode.optional "session_id" (bounded 100) path el
            and! save = Decode.withDefault "save_session" false flag path el
            and! _ = model path el
            and! format = Decode.withDefault "response_format" ResponseFormat.Auto format path el

            return {
                Ask = {
                    Character = character.Trim()
                    Message = message.Trim()
                    SessionId = None
                    SaveSession = save
                    Format = format
                }
                Session = session
            }
        }

    /// POST …/dialog
    let dialog: Decoder<DialogAsk> =
        fun path el -> validation {
            let! chars = Decode.withDefault "characters" None characters path el
            and! lines = Decode.withDefault "num_lines" 5 (number 1 Extend.maxLines) path el
            and! prompt = Decode.optional "prompt" (bounded maxPromptLength) path el
            and! _ = Decode.withDefault "sequential" true flag path el
            and! save = Decode.withDefault "save" false flag path el
            and! _ = model path el
            and! _ = Decode.withDefault "response_format" ResponseFormat.Auto format path el

            return {
                Characters = chars
                Lines = lines
                Prompt = prompt |> Option.map (fun p -> p.Trim())
                Save = save
            }
        }

    let private mode: Decoder<SurveyMode> =
        Decode.named [ "parallel", SurveyMode.Parallel; "sequential", SurveyMode.Sequential ]

    /// POST …/survey
    let survey: Decoder<SurveyAsk> =
        fun path el -> validation {
            let! chars = Decode.withDefault "characters" None characters path el

            and! questions =
                Decode.field
                    "questions"
                    (Decode.list (bounded Survey.maxQuestionLength)
                     |> Decode.check (fun qs ->
                         if List.isEmpty qs then
                             Some "must ask at least one question"
                         elif qs.Length > Survey.maxQuestions then
                             Some $"must ask at most {Survey.maxQuestions} questions"
                         else
                             None))
                    path
                    el

            and! mode = Decode.withDefault "mode" SurveyMode.Parallel mode path el
            and! chain = Decode.withDefault "chain_prompts" false flag path el
            and! summary = Decode.withDefault "include_summary" true flag path el
            and! _ = model path el
            and! format = Decode.withDefault "response_format" ResponseFormat.Auto format path el

            return {
                Characters = chars
                Questions = questions |> List.map (fun q -> q.Trim())
                Mode = mode
                ChainPrompts = chain
                IncludeSummary = summary
                Format = format
            }
        }
