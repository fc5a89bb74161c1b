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

    let private str = Schema.String None

    /// The structured answer's schema.
    let schema =
        Schema.Object(
            [
                "response", str
                "sentiment", Schema.Enum [ "positive"; "negative"; "neutral"; "mixed" ]
                "key_points", Schema.Array(str, Some 5)
                "emotional_tone", str
            ],
            [ "response"; "sentiment" ]
        )

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

    let private structured: Decoder<SurveyReply> =
        fun path el -> validation {
            let! response = Decode.field "response" Decode.nonBlank path el
            and! sentiment = Decode.textOr "sentiment" "neutral" path el
            and! points = Decode.listOrEmpty "key_points" Decode.nonBlank path el
            and! tone = Decode.textOr "emotional_tone" "thoughtful" path el

            return {
                Response = response
                Sentiment = sentiment.ToLowerInvariant()
                KeyPoints = points
                Tone = tone.ToLowerInvariant()
            }
        }

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
        let name = input.Persona.Character.Name

        if input.Structured then
            match AgentKit.parseWith structured text with
            | Ok r ->
                Ok {
                    r with
                        Response = Interaction.clean name r.Response
                }
            | Error _ when (AgentKit.extractJson text).IsNone -> ofText name text
            | Error e -> Error e
        else
            ofText name text

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
