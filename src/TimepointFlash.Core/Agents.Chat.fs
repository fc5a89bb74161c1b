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

    // Asked within 0..1, read as any number and clamped.
    let private confidence: Codec<float option> = {
        Schema = Schema.Number(Some 0.0, Some 1.0)
        Decoder = Decode.float |> Decode.map (fun c -> Some(max 0.0 (min 1.0 c)))
        Encode = Encode.opt Encode.float
        Strings = fun _ -> []
    }

    /// The structured answer's one definition (`in_character` is asked, as a reminder, and not kept).
    let private answer: Codec<Reply> =
        Codec.record (fun text tone points confidence (_: bool) -> {
            Text = text
            Tone = tone
            KeyPoints = points
            Confidence = confidence
        })
        |> Codec.required "response" (fun (r: Reply) -> r.Text) Codec.prose
        |> Codec.fallback
            "emotional_tone"
            (fun r -> r.Tone)
            "neutral"
            (Codec.label |> Codec.refine (fun s -> s.ToLowerInvariant()))
        |> Codec.defaulted "key_points" (fun r -> r.KeyPoints) [] (Codec.list (Some 5) Codec.prose)
        |> Codec.defaulted "confidence" (fun r -> r.Confidence) None confidence
        |> Codec.defaulted "in_character" (fun _ -> true) true Codec.bool
        |> Codec.seal

    /// The structured answer's schema.
    let schema = answer.Schema

    /// The structured answer's JSON (what a model following the schema sends).
    let encode = answer.Encode

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

    let private structured: Decoder<Reply> = answer.Decoder

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
        let cleaned name (r: Reply) = {
            r with
                Text = Interaction.clean name r.Text
        }

        Interaction.parseAnswer structured cleaned ofText input.Structured input.Persona.Character.Name text

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
