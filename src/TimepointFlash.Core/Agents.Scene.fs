namespace TimepointFlash.Agents

open TimepointFlash

/// Step 3a: the physical environment of the moment.
[<RequireQualifiedAccess>]
module Scene =

    /// Output schema.
    let schema = SceneData.codec.Schema

    let private system =
        """You are a production designer recreating a historical moment with accuracy.
Describe the place as it was at that date: the setting, the atmosphere, weather, light, architecture, objects and furniture that belong there (nothing anachronistic), at least three sensory details across different senses, the crowd and social dynamics, the tension level (low, medium, high or climactic), the mood, the focal point of attention and a small colour palette."""

    /// Builds the scene prompt.
    let buildPrompt (input: SceneInput) =
        let t = input.Timeline

        {
            System = system
            User =
                "Design the setting of this moment.\n"
                + AgentKit.quoteQuery input.Query
                + "\n\nWhen and where:\n"
                + AgentKit.facts [
                    "date", Some(AgentKit.dateLine t)
                    "place", Some t.Location
                    "era", t.Era
                    "season", t.Season |> Option.map TimelineData.seasonToString
                    "context", t.HistoricalContext
                ]
                + GroundingData.promptSection input.Grounding
                + AgentKit.continuity input.Continuity
        }

    /// The scene agent.
    let agent: Agent<SceneInput, SceneData> = {
        Step = Step.Scene
        Role = ModelRole.Creative
        Temperature = 0.7
        MaxTokens = 2048
        Schema = schema
        BuildPrompt = buildPrompt
        Parse = fun _ text -> AgentKit.parseWith SceneData.decoder text
    }
