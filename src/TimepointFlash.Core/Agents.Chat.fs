namespace TimepointFlash.Agents

open FsToolkit.ErrorHandling
open TimepointFlash

/// Talking to one person of a scene, in character and in period.
[<RequireQualifiedAccess>]
module Chat =
    /// The longest message a user may send.
    let maxMessageLength = 2000

    /// The most earlier turns put in a prompt.
    let maxHistory = 20

    let private str = Schema.String None

    /// The structured answer's schema.
    let schema =
        Schema.Object(
            [
                "response", str
                "emotional_tone", str
                "key_points", Schema.Array(str, Some 5)
                "confidence", Schema.Number(Some 0.0, Some 1.0)
                "in_character", Schema.Boolean
            ],
            [ "response"; "emotional_tone" ]
        )

    /// The conversation so far as lines of a transcript.
    let transcript (name: string) (history: Turn list) =
        history
        |> List.rev
        |> List.truncate maxHistory
        |> List.rev
        |> List.map (fun t ->
            if t.FromUser then
                $"Visitor: {t.Text}"
            else
                $"{name}: {t.Text}")
        |> String.concat "\n"

    /// Builds the chat prompt: the persona's role-play prompt, the conversation so far and the new message.
    let buildPrompt (input: ChatInput) =
        let name = input.Persona.Character.Name

        let history =
            if List.isEmpty input.History then
                ""
            else
                "The conversation so far:\n" + transcript name input.History + "\n\n"

        let ask =
            if input.Structured then
                "Answer with response (what you say), emotional_tone (one word), key_points (the points you make) and confidence (0 to 1: how sure you are of what you say)."
            else
                "Answer with what you say and nothing else: no name prefix, no stage directions, one to five sentences."

        {
            System = Persona.systemPrompt input.Persona
            User =
                history
                + "A visitor says to you:\n"
                + AgentKit.quoteQuery input.Message
                + "\n\n"
                + ask
        }

    let private structured: Decoder<Reply> =
        fun path el -> validation {
            let! text = Decode.field "response" Decode.nonBlank path el
            and! tone = Decode.textOr "emotional_tone" "neutral" path el
            and! points = Decode.listOrEmpty "key_points" Decode.nonBlank path el
            and! confidence = Decode.optional "confidence" Decode.float path el

            return {
                Text = text
                Tone = tone.ToLowerInvariant()
                KeyPoints = points
                Confidence = confidence |> Option.map (fun c -> max 0.0 (min 1.0 c))
            }
        }

    /// A plain answer as a reply, with its tone and key points read from the text.
    let ofText (name: string) (text: string) : Validation<Reply, DecodeError> =
        let t = Interaction.clean name text

        if t = "" then
            Decode.fail "" "the answer is empty"
        else
            Ok {
                Text = t
                Tone = Interaction.chatTone t
                KeyPoints = Interaction.keyPoints t
                Confidence = None
            }

    /// Reads an answer: JSON when asked for structure (plain text is accepted as the spoken words), else text.
    let parse (input: ChatInput) (text: string) =
        let name = input.Persona.Character.Name

        if input.Structured then
            match AgentKit.parseWith structured text with
            | Ok r ->
                Ok {
                    r with
                        Text = Interaction.clean name r.Text
                }
            | Error _ when (AgentKit.extractJson text).IsNone -> ofText name text
            | Error e -> Error e
        else
            ofText name text

    /// The chat agent.
    let agent: Interaction<ChatInput, Reply> = {
        Name = "chat"
        Role = ModelRole.Creative
        Temperature = 0.8
        MaxTokens = 1024
        Schema = fun i -> if i.Structured then Some schema else None
        Context = AgentContext.ofInput Step.Chat
        BuildPrompt = buildPrompt
        Parse = parse
    }
