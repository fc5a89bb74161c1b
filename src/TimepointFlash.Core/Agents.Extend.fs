namespace TimepointFlash.Agents

open FsToolkit.ErrorHandling
open TimepointFlash

/// More lines of a scene's dialog among chosen speakers, continuing what was said.
[<RequireQualifiedAccess>]
module Extend =
    /// The most lines one extension adds.
    let maxLines = 10

    /// The answer's one definition: the new lines, each a dialog line (`DialogLine.codec`).
    let private answer: Codec<DialogLine list> =
        Codec.record id
        |> Codec.required "lines" id (Codec.list (Some maxLines) DialogLine.codec)
        |> Codec.seal

    /// Output schema.
    let schema = answer.Schema

    let private system =
        """You continue the dialog of a historical scene, line by line, as the people present.
Each speaker keeps their own social register and voice; before the modern era use a period register without fake dialect, phonetic spelling or sprinkled archaisms; in modern scenes plain present-day speech.
Nobody knows anything after the scene's moment; nothing is named that does not exist yet. Never infer an accent from a name.
Only the listed speakers talk; everyone else stays silent. Continue from the last line; do not repeat earlier lines."""

    let private speaker (p: Persona) =
        let c = p.Character
        let v = c.Voice

        [
            Some $"{c.Name} ({CharacterRole.name c.Role})"
            v.SpeakingStyle
            v.EmotionalState
            c.HistoricalNote
        ]
        |> List.choose id
        |> String.concat "; "

    /// Builds the extension prompt.
    let buildPrompt (input: ExtendInput) =
        let first = input.Speakers.Head

        let soFar =
            input.SoFar
            |> List.rev
            |> List.truncate 20
            |> List.rev
            |> List.map DialogLine.toScript
            |> String.concat "\n"

        {
            System = system
            User =
                "The scene:\n"
                + AgentKit.facts [
                    "date", Some first.DateLine
                    "place", Some first.Place
                    "era", first.Era
                    "setting", first.Setting
                    "what is happening", first.Happening
                ]
                + "\n\nSpeakers (by voice):\n"
                + AgentKit.bullets "none" (input.Speakers |> List.map speaker)
                + "\n\nThe dialog so far:\n"
                + (if soFar = "" then "(nothing has been said yet)" else soFar)
                + (match input.Direction with
                   | Some d -> "\n\nWhere the conversation should go:\n" + AgentKit.quoteQuery d
                   | None -> "")
                + $"\n\nWrite exactly {input.Lines} more lines, each with speaker, text and tone."
        }

    /// Keeps the lines of listed speakers (names made canonical), at most the number asked for; none is an error.
    let parse (input: ExtendInput) (text: string) : Validation<DialogLine list, DecodeError> =
        let names =
            input.Speakers
            |> List.map (fun p -> p.Character.Name.ToLowerInvariant(), p.Character.Name)
            |> Map.ofList

        AgentKit.parseWith answer.Decoder text
        |> Result.bind (fun lines ->
            let kept =
                lines
                |> List.choose (fun l ->
                    names
                    |> Map.tryFind (l.Speaker.Trim().ToLowerInvariant())
                    |> Option.map (fun n -> { l with Speaker = n }))
                |> List.truncate input.Lines

            if List.isEmpty kept then
                Decode.fail "lines" "no line is spoken by one of the listed speakers"
            else
                Ok kept)

    /// The dialog extension agent.
    let agent: Interaction<ExtendInput, DialogLine list> = {
        Name = "dialog_extension"
        Role = ModelRole.Creative
        Temperature = 0.85
        MaxTokens = 2048
        Schema = fun _ -> Some schema
        Context = AgentContext.ofInput Step.DialogExtension
        BuildPrompt = buildPrompt
        Parse = parse
    }
