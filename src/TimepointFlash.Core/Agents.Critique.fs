namespace TimepointFlash.Agents

open TimepointFlash

/// After the dialog: a historical review of the dialog, the characters and the scene against the scene's date and
/// place, with the anachronism checker's findings added as issues (CritiqueFindings). A critical issue sends the
/// dialog back once with the reviewer's instructions (step dialog_revision).
[<RequireQualifiedAccess>]
module Critique =

    /// Output schema.
    let schema = CritiqueData.codec.Schema

    let private system =
        """You are a historian reviewing a staged historical scene before it is published.
Check the dialog, the characters and the setting against the scene's date and place: anachronisms (objects, words, ideas that did not exist yet), people speaking out of voice or appearing outside their lifetime, and factual slips.
Rate each issue critical (it breaks the scene's truth and must be fixed), major or minor. Quote the offending text and name its field (for example "dialog[2]" or "characters[0]").
When any issue is critical, give revision instructions a dialog writer can follow; otherwise leave them null. Report no issues rather than invent some."""

    /// Builds the critique prompt.
    let buildPrompt (input: CritiqueInput) =
        let cast =
            input.Characters.Characters
            |> List.mapi (fun i c -> $"characters[{i}] {c.Name}: {c.Description}")

        let lines =
            input.Dialog.Lines
            |> List.mapi (fun i l -> $"dialog[{i}] {l.Speaker}: \"{l.Text}\"")

        {
            System = system
            User =
                "Review this scene for historical accuracy.\n"
                + AgentKit.quoteQuery input.Query
                + "\n\n"
                + AgentKit.facts [
                    "date", Some(AgentKit.dateLine input.Timeline)
                    "place", Some input.Timeline.Location
                    "era", input.Timeline.Era
                    "setting", Some input.Scene.Setting
                ]
                + "\n\nCharacters:\n"
                + AgentKit.bullets "none" cast
                + "\n\nDialog:\n"
                + AgentKit.bullets "none" lines
                + "\n\nThe anachronism checker found (already recorded as issues; add only what it missed):\n"
                + AgentKit.bullets "none" (input.Findings |> List.map Finding.describe)
        }

    /// The critique agent.
    let agent: Agent<CritiqueInput, CritiqueData> = {
        Step = Step.Critique
        Role = ModelRole.Judge
        Temperature = 0.2
        MaxTokens = 2048
        Schema = schema
        BuildPrompt = buildPrompt
        Parse =
            fun input text ->
                AgentKit.parseWith CritiqueData.decoder text
                |> Result.map (CritiqueFindings.apply input.Findings)
    }
