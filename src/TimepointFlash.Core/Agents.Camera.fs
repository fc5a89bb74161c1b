namespace TimepointFlash.Agents

open TimepointFlash

/// Step 4b: how the scene is framed, from its light and its people.
[<RequireQualifiedAccess>]
module Camera =

    /// Output schema.
    let schema = CameraData.codec.Schema

    let private system =
        """You are a cinematographer composing a single still frame of a historical moment.
Choose the shot type and angle, the focal point and a secondary focus, depth of field, any implied camera movement, the composition rule (rule of thirds, golden ratio, symmetry, leading lines, frame within a frame), the leading lines, what sits in the foreground, midground and background, and the intent of the framing.
Work with the light that exists in the scene and place the people where they stand."""

    /// Builds the camera prompt.
    let buildPrompt (input: CameraInput) =
        let s = input.Scene

        let people =
            input.Characters.Characters
            |> List.map (fun c ->
                let where =
                    c.PositionInScene |> Option.map (sprintf ", at %s") |> Option.defaultValue ""

                $"{c.Name} ({CharacterRole.name c.Role}){where}")

        {
            System = system
            User =
                "Compose the frame for this moment.\n"
                + AgentKit.quoteQuery input.Query
                + "\n\nThe scene:\n"
                + AgentKit.facts [
                    "date", Some(AgentKit.dateLine input.Timeline)
                    "setting", Some s.Setting
                    "atmosphere", Some s.Atmosphere
                    "lighting", s.Lighting
                    "weather", s.Weather
                    "architecture", s.Architecture
                    "tension", Some(TensionLevel.name s.TensionLevel)
                    "focal point", s.FocalPoint
                    "focal character", input.Characters.FocalCharacter
                ]
                + "\n\nPeople in frame:\n"
                + AgentKit.bullets "no one in particular" people
        }

    /// The camera agent.
    let agent: Agent<CameraInput, CameraData> = {
        Step = Step.Camera
        Role = ModelRole.Creative
        Temperature = 0.5
        MaxTokens = 1024
        Schema = schema
        BuildPrompt = buildPrompt
        Parse = fun _ text -> AgentKit.parseWith CameraData.decoder text
    }
