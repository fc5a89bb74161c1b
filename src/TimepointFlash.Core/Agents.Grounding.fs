namespace TimepointFlash.Agents

open TimepointFlash

/// What the grounding step checks: the query as the judge cleaned it and what the judge detected.
type GroundingInput = { Query: string; Judge: JudgeResult }

/// Step 1b (optional): checks a query about a real event against sources before the scene is built.
[<RequireQualifiedAccess>]
module Grounding =
    /// The grounding step.
    let step = Step.named "grounding"

    /// Output schema.
    let schema = GroundingData.codec.Schema

    let private system =
        """You are a fact checker for a historical scene generator.
Look the event up in reliable sources and report only what they confirm: the date (as precise as the sources allow), the place, the people who were really there, a few short facts that matter for depicting the moment, and the sources you used (title and address). Never invent a source or an address; when the sources disagree or are thin, say less and lower your confidence (0 to 1)."""

    /// Builds the grounding prompt.
    let buildPrompt (input: GroundingInput) =
        let j = input.Judge

        {
            System = system
            User =
                "Verify this event.\n"
                + AgentKit.quoteQuery input.Query
                + "\n\nWhat the query seems to name:\n"
                + AgentKit.facts [
                    "year", j.DetectedYear |> Option.map string
                    "place", j.DetectedLocation
                    "people",
                    (if j.DetectedFigures.IsEmpty then
                         None
                     else
                         Some(String.concat ", " j.DetectedFigures))
                ]
        }

    /// True for a query the judge classed as a real event (historical or contemporary), the ones grounding checks.
    let isRealEvent (j: JudgeResult) =
        j.IsValid
        && (j.QueryType = QueryType.Historical || j.QueryType = QueryType.Contemporary)

    /// The grounding agent.
    let agent: Agent<GroundingInput, GroundingData> = {
        Step = step
        Role = ModelRole.Judge
        Temperature = 0.2
        MaxTokens = 2048
        Schema = schema
        BuildPrompt = buildPrompt
        Parse = fun _ text -> AgentKit.parseWith GroundingData.decoder text
    }
