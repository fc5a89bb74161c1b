namespace TimepointFlash.Api

open TimepointFlash

/// What the OpenAPI document says about the interaction routes (talking to a scene's characters), the cast, and a
/// background run's webhook deliveries.
[<RequireQualifiedAccess>]
module InteractOperations =
    let private d = OperationDoc.pending

    let private timepointParam =
        OperationDoc.path "timepoint_id" (ApiSchema.formatted "uuid") "The timepoint's id (a non-UUID is answered 404)."

    let private idParam =
        OperationDoc.path "id" (ApiSchema.formatted "uuid") "The timepoint's id (a non-UUID is answered 404)."

    let private sessionParam =
        OperationDoc.path "session_id" (ApiSchema.formatted "uuid") "The session's id (a non-UUID is answered 404)."

    /// The statuses every talk to a scene can answer besides the class's.
    let private talkErrors = [
        404, "No such timepoint, character or session."
        409, "The timepoint has not completed yet."
        422, "The body is invalid, or the session belongs to another timepoint or character."
        502, "The model failed."
    ]

    let private chatExample =
        Encode.obj [
            "character", Encode.string "Benjamin Franklin"
            "message", Encode.string "What do you make of this document?"
            "save_session", Encode.bool true
        ]

    let private dialogExample =
        Encode.obj [
            "characters", Encode.list Encode.string [ "Benjamin Franklin"; "John Adams" ]
            "num_lines", Encode.int 3
        ]

    let private surveyExample =
        Encode.obj [
            "questions", Encode.list Encode.string [ "What do you fear most tonight?" ]
            "mode", Encode.string "parallel"
        ]

    let private streamNote =
        "Each `data:` line is one JSON frame `{event, data, …}`; the stream ends with `done` or `error`. A bad body or an unknown timepoint is answered as a problem before the stream starts."

    /// POST /api/v1/interactions/{timepoint_id}/chat
    let chat = {
        d with
            Description =
                "One reply in character; with save_session (or a session_id) the exchange is kept in a session."
            Parameters = [ timepointParam ]
            Body = Some(ApiSchema.ref "ChatRequest", chatExample)
            Responses = [ OperationDoc.json 200 "The character's reply." "ChatAnswer" ]
            Errors = talkErrors
    }

    /// POST /api/v1/interactions/{timepoint_id}/chat/stream
    let chatStream = {
        d with
            Description =
                $"The reply as `token` events while the model writes, then `done` with the whole reply. {streamNote}"
            Parameters = [ timepointParam ]
            Body = Some(ApiSchema.ref "ChatRequest", chatExample)
            Responses = [ OperationDoc.events "Server-sent events." InteractSchemas.chatEvents ]
            Errors = talkErrors
    }

    /// POST /api/v1/interactions/{timepoint_id}/dialog
    let dialog = {
        d with
            Description = "More lines of the scene's dialog; with save=true they are appended to the scene."
            Parameters = [ timepointParam ]
            Body = Some(ApiSchema.ref "DialogRequest", dialogExample)
            Responses = [ OperationDoc.json 200 "The new lines." "DialogAnswer" ]
            Errors = talkErrors
    }

    /// POST /api/v1/interactions/{timepoint_id}/dialog/stream
    let dialogStream = {
        d with
            Description = $"One `line` event per new line, then `done` with the whole result. {streamNote}"
            Parameters = [ timepointParam ]
            Body = Some(ApiSchema.ref "DialogRequest", dialogExample)
            Responses = [ OperationDoc.events "Server-sent events." InteractSchemas.dialogEvents ]
            Errors = talkErrors
    }

    /// POST /api/v1/interactions/{timepoint_id}/survey
    let survey = {
        d with
            Description = "The same questions to several characters, with an optional summary of their answers."
            Parameters = [ timepointParam ]
            Body = Some(ApiSchema.ref "SurveyRequest", surveyExample)
            Responses = [ OperationDoc.json 200 "Every answer." "SurveyResult" ]
            Errors = talkErrors
    }

    /// POST /api/v1/interactions/{timepoint_id}/survey/stream
    let surveyStream = {
        d with
            Description =
                $"A `response` event per answer (an `error` event for one that failed), `summary`, then `done`. {streamNote}"
            Parameters = [ timepointParam ]
            Body = Some(ApiSchema.ref "SurveyRequest", surveyExample)
            Responses = [ OperationDoc.events "Server-sent events." InteractSchemas.surveyEvents ]
            Errors = talkErrors
    }

    /// GET /api/v1/interactions/sessions/{timepoint_id}
    let sessions = {
        d with
            Description = "Always 200: an unknown timepoint has no sessions."
            Parameters = [ timepointParam ]
            Responses = [ OperationDoc.json 200 "The sessions, newest first." "SessionList" ]
    }

    /// GET /api/v1/interactions/session/{session_id}
    let session = {
        d with
            Parameters = [ sessionParam ]
            Responses = [
                OperationDoc.json 200 "The session with its messages in order." "ChatSession"
            ]
            Errors = [ 404, "No such session." ]
    }

    /// DELETE /api/v1/interactions/session/{session_id}
    let deleteSession = {
        d with
            Parameters = [ sessionParam ]
            Responses = [ OperationDoc.json 200 "Deleted." "SessionDeleted" ]
            Errors = [ 404, "No such session." ]
    }

    /// GET /api/v1/timepoints/{id}/characters
    let characters = {
        d with
            Description = "The scene's cast with their voice fields and the system prompt each is played with."
            Parameters = [ idParam ]
            Responses = [ OperationDoc.json 200 "The cast." "Cast" ]
            Errors = [ 404, "No such timepoint."; 409, "The timepoint has not completed yet." ]
    }

    /// GET /api/v1/timepoints/{id}/deliveries
    let deliveries = {
        d with
            Description = "The webhook deliveries of a background run's callback_url, each with every attempt."
            Parameters = [ idParam ]
            Responses = [
                OperationDoc.json 200 "The deliveries (empty without a callback)." "Deliveries"
            ]
            Errors = [ 404, "No such timepoint." ]
    }
