namespace TimepointFlash.Agents

open FsToolkit.ErrorHandling
open TimepointFlash

/// One character's answer to a survey question.
type SurveyReply = {
    Response: string
    Sentiment: string
    KeyPoints: string list
    Tone: string
}

/// The same questions put to several people of a scene, and a summary across them.
[<RequireQualifiedAccess>]
module Survey =
    /// The most questions one survey asks.
    let maxQuestions = 10

    /// The longest question.
    let maxQuestionLength = 500

    /// Sentiments as a closed vocabulary (stored as their words); anything else reads as neutral.
    let sentiments =
        Vocabulary.create
            ([ "positive"; "negative"; "neutral"; "mixed" ] |> List.map (fun s -> s, s))
            [
                "ambivalent", "mixed"
                "favourable", "positive"
                "favorable", "positive"
                "hostile", "negative"
            ]
            (Some "neutral")

    /// The structured answer's one definition.
    let private answer: Codec<SurveyReply> =
        Codec.record (fun response sentiment points tone -> {
            Response = response
            Sentiment = sentiment
            KeyPoints = points
            Tone = tone
        })
        |> Codec.required "response" (fun (r: SurveyReply) -> r.Response) Codec.prose
        |> Codec.fallback "sentiment" (fun r -> r.Sentiment) "neutral" (Vocabulary.codec sentiments)
        |> Codec.defaulted "key_points" (fun r -> r.KeyPoints) [] (Codec.list (Some 5) Codec.prose)
        |> Codec.defaulted
            "emotional_tone"
            (fun r -> r.Tone)
            "thoughtful"
            (Codec.label |> Codec.refine (fun s -> s.ToLowerInvariant()))
        |> Codec.seal

    /// The structured answer's schema.
    let schema = answer.Schema

    /// The structured answer's JSON (what a model following the schema sends).
    let encode = answer.Encode

    /// Builds the prompt for one character and one question.
    let buildPrompt (input: SurveyInput) =
        let earlier =
            match input.Earlier with
            | [] -> ""
            | xs ->
                "Others present have already answered:\n"
                + (xs |> List.map (fun (n, a) -> $"- {n}: {a}") |> String.concat "\n")
                + "\n\n"

        let ask =
            if input.Structured then
                "Answer with response (what you say), sentiment (positive, negative, neutral or mixed), key_points and emotional_tone (one word)."
            else
                "Answer with what you say and nothing else, in two to four sentences."

        {
            System = Persona.systemPrompt input.Persona
            User = earlier + "You are asked:\n" + AgentKit.quoteQuery input.Question + "\n\n" + ask
        }

    let private structured: Decoder<SurveyReply> = answer.Decoder

    /// A plain answer read with the text heuristics.
    let ofText (name: string) (text: string) : Validation<SurveyReply, DecodeError> =
        let t = Interaction.clean name text

        if t = "" then
            Decode.fail "" "the answer is empty"
        else
            Ok {
                Response = t
                Sentiment = Interaction.sentiment t
                KeyPoints = Interaction.keyPoints t
                Tone =
                    match Interaction.chatTone t with
                    | "neutral" -> "thoughtful"
                    | tone -> tone
            }

    /// Reads an answer: JSON when asked for structure (plain text accepted), else text.
    let parse (input: SurveyInput) (text: string) =
        let cleaned name (r: SurveyReply) = {
            r with
                Response = Interaction.clean name r.Response
        }

        Interaction.parseAnswer structured cleaned ofText input.Structured input.Persona.Character.Name text

    /// The survey agent.
    let agent: Interaction<SurveyInput, SurveyReply> = {
        Name = "survey"
        Role = ModelRole.Creative
        Temperature = 0.7
        MaxTokens = 1024
        Schema = fun i -> if i.Structured then Some schema else None
        Context = AgentContext.ofInput Step.Survey
        BuildPrompt = buildPrompt
        Parse = parse
    }

    /// Builds the prompt that summarises the answers to one question.
    let summaryPrompt (input: SummaryInput) = {
        System =
            "You summarise what the people of a historical scene said, in two or three neutral sentences: where they agree, where they differ, and why given who they are. Never add knowledge from after the scene's date."
        User =
            $"On {input.DateLine} in {input.Place}, asked:\n"
            + AgentKit.quoteQuery input.Question
            + "\n\nThey answered:\n"
            + (input.Answers |> List.map (fun (n, a) -> $"- {n}: {a}") |> String.concat "\n")
    }

    /// The summary agent: plain text.
    let summary: Interaction<SummaryInput, string> = {
        Name = "survey_summary"
        Role = ModelRole.Creative
        Temperature = 0.5
        MaxTokens = 1024
        Schema = fun _ -> None
        Context = AgentContext.ofInput Step.SurveySummary
        BuildPrompt = summaryPrompt
        Parse =
            fun _ text ->
                if System.String.IsNullOrWhiteSpace text then
                    Decode.fail "" "the summary is empty"
                else
                    Ok(text.Trim())
    }
