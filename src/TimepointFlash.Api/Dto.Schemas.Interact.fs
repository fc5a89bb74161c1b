namespace TimepointFlash.Api

open TimepointFlash
open TimepointFlash.Agents

/// The named schemas of the interaction routes (chat, dialog, survey, sessions) and of their event streams, and of
/// a background run's webhook deliveries; request bounds come from the same constants the decoders check.
[<RequireQualifiedAccess>]
module InteractSchemas =
    let private s = ApiSchema.str
    let private ns = ApiSchema.nullable ApiSchema.str
    let private uuid = ApiSchema.formatted "uuid"
    let private strings = ApiSchema.arr ApiSchema.str
    let private time = ApiSchema.formatted "date-time"

    let private latency =
        ApiSchema.int |> ApiSchema.describe "Milliseconds the model took."

    let private format =
        ApiSchema.enum [ "text"; "structured"; "auto" ]
        |> ApiSchema.withDefault "Plain text, structured JSON, or the model's choice." (Encode.string "auto")

    let private model =
        ApiSchema.bounded 1 200
        |> ApiSchema.describe "Accepted for the reference's clients; the configured model answers."

    let private flag (text: string) (value: bool) =
        ApiSchema.bool |> ApiSchema.withDefault text (Encode.bool value)

    /// Documented as a list so generators can type it; the decoder also reads the reference's `"all"`.
    let private characters =
        ApiSchema.nullable (ApiSchema.Array(ApiSchema.bounded 1 200, Some Character.maxCount))
        |> ApiSchema.describe (
            $"1 to {Character.maxCount} character names; null or absent asks everyone in the scene. "
            + "The reference's string \"all\" is also accepted and means the same."
        )

    let private chatRequest =
        ApiSchema.obj [
            "character",
            ApiSchema.bounded 1 200
            |> ApiSchema.describe "The character's name, as in the scene."
            "message", ApiSchema.bounded 1 Chat.maxMessageLength
            "session_id",
            ApiSchema.bounded 1 100
            |> ApiSchema.describe "Continue this saved session (an unknown one is 404)."
            "save_session", flag "Save the exchange in a session." false
            "model", model
            "response_format", format
        ] [ "character"; "message" ]

    let private dialogRequest =
        ApiSchema.obj [
            "characters", characters
            "num_lines",
            ApiSchema.intRange 1L (int64 Extend.maxLines)
            |> ApiSchema.withDefault "How many lines to add." (Encode.int 5)
            "prompt",
            ApiSchema.bounded 1 InteractDto.maxPromptLength
            |> ApiSchema.describe "A direction."
            "sequential", flag "Accepted for the reference's clients." true
            "save", flag "Append the lines to the scene's dialog." false
            "model", model
            "response_format", format
        ] []

    let private surveyRequest =
        ApiSchema.obj [
            "characters", characters
            "questions", ApiSchema.Array(ApiSchema.bounded 1 Survey.maxQuestionLength, Some Survey.maxQuestions)
            "mode",
            ApiSchema.enum [ "parallel"; "sequential" ]
            |> ApiSchema.withDefault "Ask everyone at once or in turn." (Encode.string "parallel")
            "chain_prompts", flag "In sequential mode, show each answer to the next character." false
            "include_summary", flag "Add a summary of the answers." true
            "model", model
            "response_format", format
        ] [ "questions" ]

    let private line =
        ApiSchema.obj [
            "speaker", s
            "text", s
            "tone", ns
            "line_number", ApiSchema.intRange 1L 1000L
        ] [ "speaker"; "text"; "line_number" ]

    let private answer =
        ApiSchema.obj [
            "character_name", s
            "question", s
            "response", s
            "sentiment", s
            "key_points", strings
            "emotional_tone", s
        ] [ "character_name"; "question"; "response" ]

    /// An interaction stream's frame: the event's name, its data, and the event's own keys.
    let private frame (event: string) (data: ApiSchema) (extra: (string * ApiSchema) list) =
        ApiSchema.obj ([ "event", ApiSchema.enum [ event ]; "data", data ] @ extra) [ "event"; "data" ]

    let private progress = "progress", ApiSchema.intRange 0L 100L

    /// Every named schema of the interaction routes.
    let components: (string * ApiSchema) list = [
        "ChatRequest", chatRequest
        "DialogRequest", dialogRequest
        "SurveyRequest", surveyRequest
        "ChatAnswer",
        ApiSchema.obj [
            "character_name", s
            "response", s
            "session_id", ApiSchema.nullable uuid
            "emotional_tone", s
            "key_points", strings
            "confidence", ApiSchema.nullable ApiSchema.num
            "model", s
            "latency_ms", latency
        ] [ "character_name"; "response"; "session_id" ]
        "InteractLine", line
        "DialogAnswer",
        ApiSchema.obj [
            "dialog", ApiSchema.arr (ApiSchema.ref "InteractLine")
            "context", s
            "characters_involved", strings
            "saved", ApiSchema.bool
            "latency_ms", latency
        ] [ "dialog"; "characters_involved"; "saved" ]
        "SurveyAnswer", answer
        "SurveyResult",
        ApiSchema.obj [
            "timepoint_id", uuid
            "questions", strings
            "responses", ApiSchema.arr (ApiSchema.ref "SurveyAnswer")
            "summary", ns
            "mode", ApiSchema.enum [ "parallel"; "sequential" ]
            "total_characters", ApiSchema.int
            "latency_ms", latency
        ] [ "timepoint_id"; "questions"; "responses"; "mode" ]
        "Persona",
        ApiSchema.obj [ "name", s; "system_prompt", s ] [ "name"; "system_prompt" ]
        |> ApiSchema.describe "A character of the scene (its voice fields included) with a role-play system prompt."
        "Cast",
        ApiSchema.obj [
            "timepoint_id", uuid
            "characters", ApiSchema.arr (ApiSchema.ref "Persona")
            "total", ApiSchema.int
        ] [ "timepoint_id"; "characters"; "total" ]
        "SessionMessage",
        ApiSchema.obj [
            "role", ApiSchema.enum [ "user"; "character" ]
            "content", s
            "character_name", ns
            "timestamp", time
        ] [ "role"; "content" ]
        "ChatSession",
        ApiSchema.obj [
            "id", uuid
            "timepoint_id", uuid
            "character_name", s
            "messages", ApiSchema.arr (ApiSchema.ref "SessionMessage")
            "created_at", time
            "updated_at", time
        ] [ "id"; "timepoint_id"; "character_name"; "messages" ]
        "SessionSummary",
        ApiSchema.obj [
            "id", uuid
            "character_name", s
            "message_count", ApiSchema.int
            "last_message_preview", ns
            "created_at", time
            "updated_at", time
        ] [ "id"; "character_name"; "message_count" ]
        "SessionList",
        ApiSchema.obj [
            "sessions", ApiSchema.arr (ApiSchema.ref "SessionSummary")
            "total", ApiSchema.int
        ] [ "sessions"; "total" ]
        "SessionDeleted", ApiSchema.obj [ "deleted", ApiSchema.bool; "session_id", uuid ] [ "deleted"; "session_id" ]
        "ChatTokenEvent", frame "token" s [ "character_name", s ]
        "ChatDoneEvent",
        frame "done" s [
            "character_name", s
            "session_id", ApiSchema.nullable uuid
            "emotional_tone", s
        ]
        "DialogLineEvent", frame "line" (ApiSchema.ref "InteractLine") []
        "DialogDoneEvent",
        frame
            "done"
            (ApiSchema.obj [
                "done", ApiSchema.bool
                "total_lines", ApiSchema.int
                "characters_involved", strings
                "result", ApiSchema.ref "DialogAnswer"
            ] [ "done"; "result" ])
            []
        "SurveyResponseEvent",
        frame "response" (ApiSchema.ref "SurveyAnswer") [ "character_name", s; "question", s; progress ]
        "SurveySummaryEvent", frame "summary" s [ progress ]
        "SurveyDoneEvent",
        frame
            "done"
            (ApiSchema.obj [
                "total_responses", ApiSchema.int
                "characters_surveyed", ApiSchema.int
                "questions_asked", ApiSchema.int
                "result", ApiSchema.ref "SurveyResult"
            ] [ "result" ])
            [ progress ]
        "InteractErrorEvent",
        frame "error" s [ "character_name", s; "question", s; progress ]
        |> ApiSchema.describe "A failure: the whole run's, or (in a survey) one character's answer."
        "DeliveryAttempt",
        ApiSchema.obj [
            "number", ApiSchema.intRange 1L 1000L
            "attempted_at", time
            "status_code", ApiSchema.nullable ApiSchema.int
            "error", ns
            "duration_ms", ApiSchema.int
            "verdict", s
        ] [ "number"; "attempted_at"; "verdict" ]
        "Delivery",
        ApiSchema.obj [
            "id", uuid
            "url",
            s
            |> ApiSchema.describe "The callback URL with its query and credentials redacted."
            "status", s
            "attempt_count", ApiSchema.int
            "next_attempt_at",
            ApiSchema.nullable time
            |> ApiSchema.describe "When a pending delivery is tried again."
            "delivered_at", ApiSchema.nullable time
            "created_at", time
            "attempts", ApiSchema.arr (ApiSchema.ref "DeliveryAttempt")
        ] [ "id"; "url"; "status"; "attempts" ]
        "Deliveries",
        ApiSchema.obj [ "timepoint_id", uuid; "deliveries", ApiSchema.arr (ApiSchema.ref "Delivery") ] [
            "timepoint_id"
            "deliveries"
        ]
    ]

    /// The event schemas of each interaction stream.
    let chatEvents = [ "ChatTokenEvent"; "ChatDoneEvent"; "InteractErrorEvent" ]

    let dialogEvents = [ "DialogLineEvent"; "DialogDoneEvent"; "InteractErrorEvent" ]

    let surveyEvents = [
        "SurveyResponseEvent"
        "SurveySummaryEvent"
        "SurveyDoneEvent"
        "InteractErrorEvent"
    ]
