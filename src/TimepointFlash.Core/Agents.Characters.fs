namespace TimepointFlash.Agents

open TimepointFlash

/// Step 3b: the people present.
[<RequireQualifiedAccess>]
module Characters =

    /// Output schema.
    let schema = CharacterData.codec.Schema

    let private system =
        """You are a casting director for historically accurate scenes.
Name the people present at the moment: one or two primary figures, two or three secondary, and up to four background figures, eight at most.
Use real historical people where the record places them there; otherwise invent plausible people of the right origin, rank and trade, with period-appropriate names.
For each give role, a physical description, period clothing, expression, pose, what they are doing, where they stand, an age description, a short historical note, and whether they speak in the scene (two to four should).
Give everyone a voice: personality (temperament in a few words), speaking_style (their social register: vocabulary, sentence length, formality), voice_notes (verbal habits, what they would and would not say), emotional_state (how they feel at this instant), and birth_year and death_year when the record knows them (null otherwise; negative for BCE).
Give each speaker a social register of their own, distinct from the other speakers (court, clergy, soldiery, trade, household, street or their period's equivalents), and begin their historical note with it ("Register: ...").
Never infer an accent, ethnicity or religion from a name alone; take them from the record or the place and period."""

    /// Builds the characters prompt.
    let buildPrompt (input: CharactersInput) =
        let t = input.Timeline

        let figures =
            if List.isEmpty input.Judge.DetectedFigures then
                None
            else
                Some(String.concat ", " input.Judge.DetectedFigures)

        {
            System = system
            User =
                "Cast this moment.\n"
                + AgentKit.quoteQuery input.Query
                + "\n\nWhen and where:\n"
                + AgentKit.facts [
                    "date", Some(AgentKit.dateLine t)
                    "place", Some t.Location
                    "era", t.Era
                    "context", t.HistoricalContext
                    "people named in the request", figures
                ]
                + "\n\nThe setting (cast people who would be here):\n"
                + AgentKit.facts [
                    "setting", Some input.Scene.Setting
                    "architecture", input.Scene.Architecture
                    "crowd", input.Scene.CrowdDescription
                    "social dynamics", input.Scene.SocialDynamics
                    "tension", Some(TensionLevel.name input.Scene.TensionLevel)
                ]
                + GroundingData.promptSection input.Grounding
                + AgentKit.continuity input.Continuity
        }

    /// The characters agent.
    let agent: Agent<CharactersInput, CharacterData> = {
        Step = Step.Characters
        Role = ModelRole.Creative
        Temperature = 0.7
        MaxTokens = 4096
        Schema = schema
        BuildPrompt = buildPrompt
        Parse = fun _ text -> AgentKit.parseWith CharacterData.decoder text
    }
