namespace TimepointFlash.Agents

open TimepointFlash

/// Step 4a: the dramatic shape of the moment.
[<RequireQualifiedAccess>]
module Moment =

    /// Output schema.
    let schema = MomentData.codec.Schema

    let private system =
        """You are a dramatist who finds the story inside a historical moment.
Summarise what happens in this instant, what led to it and what follows, what is at stake for the people present, the tension arc (rising, falling, climactic or resolved), a few emotional beats, the kind of conflict, the central question, any dramatic irony the audience knows, and why the moment matters."""

    /// Builds the moment prompt.
    let buildPrompt (input: MomentInput) =
        let t = input.Timeline

        let people =
            input.Characters.Characters
            |> List.map (fun c -> $"{c.Name} ({CharacterRole.name c.Role}): {c.Description}")

        {
            System = system
            User =
                "Find the drama of this moment.\n"
                + AgentKit.quoteQuery input.Query
                + "\n\nWhen and where:\n"
                + AgentKit.facts [
                    "date", Some(AgentKit.dateLine t)
                    "place", Some t.Location
                    "era", t.Era
                    "setting", Some input.Scene.Setting
                    "atmosphere", Some input.Scene.Atmosphere
                    "tension", Some(TensionLevel.name input.Scene.TensionLevel)
                ]
                + "\n\nPeople present:\n"
                + AgentKit.bullets "various people" people
                + AgentKit.continuity input.Continuity
        }

    /// The moment agent.
    let agent: Agent<MomentInput, MomentData> = {
        Step = Step.Moment
        Role = ModelRole.Creative
        Temperature = 0.7
        MaxTokens = 2048
        Schema = schema
        BuildPrompt = buildPrompt
        Parse = fun _ text -> AgentKit.parseWith MomentData.decoder text
    }
