namespace TimepointFlash.Agents

open TimepointFlash
open FsToolkit.ErrorHandling

/// Step 5: what the people present say.
[<RequireQualifiedAccess>]
module Dialog =

    /// Output schema.
    let schema = DialogData.codec.Schema

    /// Speakers: those who speak in the scene, else the first two primary and two secondary; at most four.
    let speakers (cast: CharacterData) =
        let speaking = CharacterData.speaking cast

        let chosen =
            if List.isEmpty speaking then
                (CharacterData.withRole CharacterRole.Primary cast |> List.truncate 2)
                @ (CharacterData.withRole CharacterRole.Secondary cast |> List.truncate 2)
            else
                speaking

        let chosen = if List.isEmpty chosen then cast.Characters else chosen
        chosen |> List.truncate DialogData.maxSpeakers

    let private system =
        """You write period dialog for a single historical moment.
Write up to seven short lines, spoken only by the speakers listed, in voices that fit their rank, origin and temperament, in language a modern reader follows but that avoids modern idiom and anachronism.
Give every speaker their own social register, as their voice describes it, so that no two sound alike.
Before the modern era, use a period register through word choice, forms of address and what people would know, never fake dialect, phonetic spelling or sprinkled archaisms ("thee", "forsooth"); in modern scenes, plain present-day speech.
Never give a speaker an accent or ethnicity inferred from their name.
Oaths, prayers and blessings invoke the deities and saints of the speaker's own culture and faith, never another's.
Everyone present who is not a listed speaker stays silent: no lines for them, though others may speak to them.
Each line may carry a tone, whether it is whispered, an action, a stage direction and whom it answers. Let the lines carry the tension of the moment."""

    /// How a speaker is presented to the dialog writer: who they are and how they talk, not how they look.
    let voice (c: Character) =
        [ Some(CharacterRole.name c.Role); c.AgeDescription ]
        |> List.choose id
        |> String.concat ", "
        |> fun who ->
            let speech =
                c.HistoricalNote
                |> Option.orElse c.Action
                |> Option.defaultValue "no further note"

            $"{c.Name} ({who}): {speech}"

    /// Builds the dialog prompt.
    let buildPrompt (input: DialogInput) =
        let speakers = input.Speakers |> List.map voice

        let relations =
            input.Graph.Relationships
            |> List.truncate 8
            |> List.map (fun r ->
                $"{r.FromCharacter} → {r.ToCharacter}: {RelationshipType.name r.RelationshipType}, {RelationshipTension.name r.TensionLevel}")

        {
            System = system
            User =
                "Write the dialog of this moment.\n"
                + AgentKit.quoteQuery input.Query
                + "\n\n"
                + AgentKit.facts [
                    "date", Some(AgentKit.dateLine input.Timeline)
                    "place", Some input.Timeline.Location
                    "setting", Some input.Scene.Setting
                    "atmosphere", Some input.Scene.Atmosphere
                    "what is happening", Some(MomentData.narrative input.Moment)
                    "central conflict", input.Graph.CentralConflict
                ]
                + "\n\nSpeakers (use these names exactly):\n"
                + AgentKit.bullets "anyone present" speakers
                + "\n\nRelationships:\n"
                + AgentKit.bullets "none recorded" relations
                + (match input.Revision with
                   | Some instructions ->
                       "\n\nA historical reviewer found critical problems in an earlier draft. Write the dialog again, following these instructions:\n"
                       + instructions
                   | None -> "")
        }

    /// Every line must be spoken by a listed speaker; names are normalised to the cast's spelling.
    let private bySpeakers (input: DialogInput) (d: DialogData) =
        let known =
            input.Speakers
            |> List.map (fun c -> c.Name.ToLowerInvariant(), c.Name)
            |> Map.ofList

        let lines =
            d.Lines
            |> List.mapi (fun i l ->
                match known.TryFind(l.Speaker.ToLowerInvariant()) with
                | Some name -> Ok { l with Speaker = name }
                | None when known.IsEmpty -> Ok l
                | None ->
                    let names = input.Speakers |> List.map (fun c -> c.Name) |> String.concat ", "
                    Decode.fail $"lines[{i}].speaker" $"\"{l.Speaker}\" is not one of the speakers ({names})")
            |> List.sequenceResultA
            |> Result.mapError List.concat

        lines |> Result.map (fun ls -> { d with Lines = DialogData.trim ls })

    /// The dialog agent.
    let agent: Agent<DialogInput, DialogData> = {
        Step = Step.Dialog
        Role = ModelRole.Creative
        Temperature = 0.8
        MaxTokens = 2048
        Schema = schema
        BuildPrompt = buildPrompt
        Parse = fun input text -> AgentKit.parseWith DialogData.decoder text |> Result.bind (bySpeakers input)
    }
