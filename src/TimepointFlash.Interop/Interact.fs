namespace TimepointFlash.Interop

open System
open TimepointFlash
open TimepointFlash.Agents
open TimepointFlash.Interop

/// Interaction values to the facade's C# records, and interaction errors to its typed exceptions.
module internal Interact =
    let private nullable (o: 'T option) =
        match o with
        | Some v -> Nullable v
        | None -> Nullable()

    let private texts (xs: string list) = ValueList<string>(xs)

    /// The exception for a refused or failed interaction, chosen by the error's case.
    let error (timepointId: Guid) (sessionId: Guid option) (step: string) (e: InteractError) : exn =
        let session = Option.defaultValue Guid.Empty sessionId

        match e with
        | InteractError.TimepointNotFound -> TimepointNotFoundException(string timepointId)
        | InteractError.NotCompleted s -> TimepointNotCompletedException(timepointId, Convert.status s)
        | InteractError.CharacterNotFound(name, cast) -> CharacterNotFoundException(name, texts cast)
        | InteractError.SessionNotFound -> ChatSessionNotFoundException session
        | InteractError.SessionOfAnotherTimepoint other ->
            ChatSessionMismatchException(session, $"belongs to timepoint '{other}'")
        | InteractError.SessionOfAnotherCharacter name ->
            ChatSessionMismatchException(session, $"is a conversation with {name}")
        | InteractError.Agent(AgentError.Provider p) ->
            let kind =
                ProviderError.tryKind p
                |> Option.map Causes.kind
                |> Option.defaultValue ProviderFailureKind.Unknown

            let retry = ProviderError.retryAfter p |> Option.toNullable

            ProviderException(step, ProviderError.describe p, timepointId, ProviderError.provider p, kind, retry, null)
        | InteractError.Agent e -> GenerationFailedException(step, AgentError.describe e, timepointId)

    /// A cast member with its role-play prompt.
    let castMember (p: Persona) =
        let c = p.Character

        CastMember(
            Name = c.Name,
            Role = CharacterRole.name c.Role,
            Description = c.Description,
            Personality = Option.toObj c.Voice.Personality,
            SpeakingStyle = Option.toObj c.Voice.SpeakingStyle,
            VoiceNotes = Option.toObj c.Voice.VoiceNotes,
            EmotionalState = Option.toObj c.Voice.EmotionalState,
            BirthYear = nullable c.Voice.BirthYear,
            DeathYear = nullable c.Voice.DeathYear,
            SystemPrompt = Persona.systemPrompt p
        )

    /// The response format asked for.
    let format =
        function
        | ChatFormat.Structured -> ResponseFormat.Structured
        | ChatFormat.Auto -> ResponseFormat.Auto
        | _ -> ResponseFormat.Text

    /// A chat answer.
    let reply (a: ChatAnswer) =
        ChatReply(
            Character = a.CharacterName,
            Answer = a.Reply.Text,
            Tone = a.Reply.Tone,
            KeyPoints = texts a.Reply.KeyPoints,
            Confidence = nullable a.Reply.Confidence,
            SessionId = nullable a.SessionId,
            Model = a.Model,
            LatencyMs = a.LatencyMs
        )

    let private line (l: DialogLine) =
        DialogLineInfo(Speaker = l.Speaker, Text = l.Text, Tone = Option.toObj l.Tone)

    /// Added dialog lines.
    let dialog (d: DialogAnswer) =
        DialogExtension(
            Lines = ValueList(d.Lines |> List.map line),
            Context = d.Context,
            CharactersInvolved = texts d.CharactersInvolved,
            Saved = d.Saved,
            LatencyMs = d.LatencyMs
        )

    /// A survey's result.
    let survey (chained: bool) (r: TimepointFlash.SurveyResult) =
        TimepointFlash.Interop.SurveyResult(
            TimepointId = r.TimepointId,
            Questions = texts r.Questions,
            Answers =
                ValueList(
                    r.Answers
                    |> List.map (fun a ->
                        TimepointFlash.Interop.SurveyAnswer(
                            Character = a.CharacterName,
                            Question = a.Question,
                            Response = a.Reply.Response,
                            Sentiment = a.Reply.Sentiment,
                            KeyPoints = texts a.Reply.KeyPoints,
                            Tone = a.Reply.Tone
                        ))
                ),
            Summary = Option.toObj r.Summary,
            Chained = chained,
            TotalCharacters = r.TotalCharacters,
            LatencyMs = r.LatencyMs
        )

    let private message (m: SessionMessage) =
        ChatMessage(
            Role =
                (match m.Role with
                 | MessageRole.User -> "user"
                 | MessageRole.Character -> "character"),
            Content = m.Content,
            Character = Option.toObj m.CharacterName,
            At = m.At
        )

    /// A stored session.
    let session (s: TimepointFlash.ChatSession) =
        TimepointFlash.Interop.ChatSession(
            Id = s.Id,
            TimepointId = s.TimepointId,
            Character = s.CharacterName,
            Messages = ValueList(s.Messages |> List.map message),
            CreatedAt = s.CreatedAt,
            UpdatedAt = s.UpdatedAt
        )

    /// A session in a listing.
    let summary (s: SessionSummary) =
        ChatSessionSummary(
            Id = s.Id,
            TimepointId = s.TimepointId,
            Character = s.CharacterName,
            MessageCount = s.MessageCount,
            LastPreview = Option.toObj s.LastPreview,
            CreatedAt = s.CreatedAt,
            UpdatedAt = s.UpdatedAt
        )
