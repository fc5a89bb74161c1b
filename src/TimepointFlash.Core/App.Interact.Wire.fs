namespace TimepointFlash

open TimepointFlash.Agents

/// Wire shapes of the character interactions, shared by the API, the CLI and the facade.
[<RequireQualifiedAccess>]
module InteractWire =
    /// A character with its ready role-play system prompt.
    let persona (p: Persona) =
        match Character.encode p.Character with
        | :? System.Text.Json.Nodes.JsonObject as o ->
            o["system_prompt"] <- Encode.string (Persona.systemPrompt p)
            o :> System.Text.Json.Nodes.JsonNode
        | other -> other

    /// The cast of a timepoint with their role-play prompts.
    let cast (timepointId: System.Guid) (personas: Persona list) =
        Encode.obj [
            "timepoint_id", Encode.string (string timepointId)
            "characters", Encode.list persona personas
            "total", Encode.int personas.Length
        ]

    let private time (d: System.DateTimeOffset) =
        Encode.string (d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"))

    /// Wire name of a response format.
    let formatName =
        function
        | ResponseFormat.Text -> "text"
        | ResponseFormat.Structured -> "structured"
        | ResponseFormat.Auto -> "auto"

    /// Wire name of a survey mode.
    let modeName =
        function
        | SurveyMode.Parallel -> "parallel"
        | SurveyMode.Sequential -> "sequential"

    /// A chat answer: the reference's fields, plus key points and confidence.
    let chat (a: ChatAnswer) =
        Encode.obj [
            "character_name", Encode.string a.CharacterName
            "response", Encode.string a.Reply.Text
            "session_id", Encode.opt (string >> Encode.string) a.SessionId
            "emotional_tone", Encode.string a.Reply.Tone
            "key_points", Encode.list Encode.string a.Reply.KeyPoints
            "confidence", Encode.opt Encode.float a.Reply.Confidence
            "model", Encode.string a.Model
            "latency_ms", Encode.int64 a.LatencyMs
        ]

    /// One added dialog line with its number in the extension.
    let line (number: int) (l: DialogLine) =
        Encode.obj [
            "speaker", Encode.string l.Speaker
            "text", Encode.string l.Text
            "tone", Encode.opt Encode.string l.Tone
            "line_number", Encode.int number
        ]

    /// A dialog extension.
    let dialog (a: DialogAnswer) =
        Encode.obj [
            "dialog", Encode.list id (a.Lines |> List.mapi (fun i l -> line (i + 1) l))
            "context", Encode.string a.Context
            "characters_involved", Encode.list Encode.string a.CharactersInvolved
            "saved", Encode.bool a.Saved
            "latency_ms", Encode.int64 a.LatencyMs
        ]

    /// One survey answer.
    let answer (a: SurveyAnswer) =
        Encode.obj [
            "character_name", Encode.string a.CharacterName
            "question", Encode.string a.Question
            "response", Encode.string a.Reply.Response
            "sentiment", Encode.string a.Reply.Sentiment
            "key_points", Encode.list Encode.string a.Reply.KeyPoints
            "emotional_tone", Encode.string a.Reply.Tone
        ]

    /// A survey's result.
    let survey (r: SurveyResult) =
        Encode.obj [
            "timepoint_id", Encode.string (string r.TimepointId)
            "questions", Encode.list Encode.string r.Questions
            "responses", Encode.list answer r.Answers
            "summary", Encode.opt Encode.string r.Summary
            "mode", Encode.string (modeName r.Mode)
            "total_characters", Encode.int r.TotalCharacters
            "latency_ms", Encode.int64 r.LatencyMs
        ]

    /// One stored message.
    let message (m: SessionMessage) =
        Encode.obj [
            "role",
            Encode.string (
                match m.Role with
                | MessageRole.User -> "user"
                | MessageRole.Character -> "character"
            )
            "content", Encode.string m.Content
            "character_name", Encode.opt Encode.string m.CharacterName
            "timestamp", time m.At
        ]

    /// A stored session with its messages in order.
    let session (s: ChatSession) =
        Encode.obj [
            "id", Encode.string (string s.Id)
            "timepoint_id", Encode.string (string s.TimepointId)
            "character_name", Encode.string s.CharacterName
            "messages", Encode.list message s.Messages
            "created_at", time s.CreatedAt
            "updated_at", time s.UpdatedAt
        ]

    /// A session in a listing.
    let summary (s: SessionSummary) =
        Encode.obj [
            "id", Encode.string (string s.Id)
            "character_name", Encode.string s.CharacterName
            "message_count", Encode.int s.MessageCount
            "last_message_preview", Encode.opt Encode.string s.LastPreview
            "created_at", time s.CreatedAt
            "updated_at", time s.UpdatedAt
        ]

    /// The sessions of a timepoint.
    let sessions (xs: SessionSummary list) =
        Encode.obj [ "sessions", Encode.list summary xs; "total", Encode.int xs.Length ]
